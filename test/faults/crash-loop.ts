/**
 * The crash loop (issue 13): SIGKILL the daemon — headless, or the tray app hosting it — at seeded
 * points in a storm of adds, sets, rotations, leases, renewals, revocations and approvals, then
 * restart it on the same data dir and check that nothing acknowledged was lost or changed, that no
 * ciphertext is half-written and that the audit chain and the leases' audit entries are whole
 * (checks.ts). Every decision comes from `seed`: a failure names it, and `CRASH_SEED` replays it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditSeen, checkAfterRestart, checkFilesAfterKill, storeDecrypter } from './checks.js';
import { startApprover } from './approver.js';
import { Ledger } from './ledger.js';
import { Prng, deriveSeed } from '../helpers/prng.js';
import { CHECKER_CLIENT, type StormContext, runWorker, steadyClient } from './storm.js';
import { type TargetKind, createTarget } from './targets.js';

export interface CrashLoopOptions {
  seed: number;
  /** Kills (each followed by a restart and the checks). */
  cycles: number;
  /** When a cycle kills after a count of acknowledged operations: the count's range. */
  opsPerCycleRange: [number, number];
  target: TargetKind;
  /** When a cycle kills after a delay instead: its range in ms (default 30–1500). */
  delayRangeMs?: [number, number];
  /** Concurrent clients in the storm (default 4). */
  workers?: number;
  progress?: (message: string) => void;
}

export interface CrashLoopStats {
  target: TargetKind;
  seed: number;
  kills: number;
  acknowledged: number;
  byKind: Record<string, number>;
  checks: number;
  cycleMs: number[];
  restartMs: number[];
}

/** A broken promise found by the loop, with what it takes to replay it. */
export class CrashLoopFailure extends Error {
  constructor(
    readonly seed: number,
    readonly cycle: number,
    readonly target: TargetKind,
    cause: unknown,
  ) {
    super(`crash loop (${target}) failed after kill ${cycle + 1} — replay with CRASH_SEED=${seed}: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

/** Past this without the storm reaching its kill point, the daemon is hung: a finding, not slowness. */
const STALL_MS = 60_000;

export async function runCrashLoop(options: CrashLoopOptions): Promise<CrashLoopStats> {
  const workers = options.workers ?? 4;
  const preapproved = [...Array.from({ length: workers }, (_, w) => steadyClient(w)), CHECKER_CLIENT].map((client_id) => ({ client_id }));
  const target = await createTarget(options.target, { approvals: { policy: 'preapproved', preapproved, deny_cooldown: '1s' }, rotation_timeout: '10s' });
  const hookDir = mkdtempSync(join(tmpdir(), 'crash-hooks-'));
  const ctx: StormContext = { target, ledger: new Ledger(), hookDir, cycle: 0, killing: false };
  const stats: CrashLoopStats = { target: options.target, seed: options.seed, kills: 0, acknowledged: 0, byKind: {}, checks: 0, cycleMs: [], restartMs: [] };
  const audit = new AuditSeen();
  try {
    await target.start();
    const decrypter = await storeDecrypter(target.home);
    for (; ctx.cycle < options.cycles; ctx.cycle++) {
      const started = performance.now();
      await stormUntilKill(ctx, new Prng(deriveSeed(options.seed, ctx.cycle)), options, workers);
      stats.kills++;
      if (ctx.ledger.unexpected.length > 0) throw new Error(`unexpected answers during the storm:\n${ctx.ledger.unexpected.join('\n')}`);
      stats.checks += await checkFilesAfterKill(target.home, ctx.ledger, decrypter);
      const restarting = performance.now();
      await target.start();
      stats.restartMs.push(performance.now() - restarting);
      stats.checks += await checkAfterRestart(target, ctx.ledger, audit);
      stats.cycleMs.push(performance.now() - started);
      options.progress?.(`${options.target} kill ${ctx.cycle + 1}/${options.cycles}: ${ctx.ledger.totalAcked()} acknowledged so far`);
    }
  } catch (error) {
    throw new CrashLoopFailure(options.seed, ctx.cycle, options.target, error);
  } finally {
    await target.cleanup().catch(() => {});
    rmSync(hookDir, { recursive: true, force: true });
  }
  stats.acknowledged = ctx.ledger.totalAcked();
  stats.byKind = Object.fromEntries(ctx.ledger.acked);
  return stats;
}

/** Runs the storm until the cycle's kill point — a count of acknowledged operations or a delay — and kills. */
async function stormUntilKill(ctx: StormContext, rng: Prng, options: CrashLoopOptions, workers: number): Promise<void> {
  ctx.killing = false;
  ctx.ledger.newCycle();
  const stopApprover = await startApprover(ctx);
  const ackedBefore = ctx.ledger.totalAcked();
  const running = Array.from({ length: workers }, (_, w) => runWorker(ctx, w, new Prng(deriveSeed(rng.seed, w))));
  const [minOps, maxOps] = options.opsPerCycleRange;
  const [minDelay, maxDelay] = options.delayRangeMs ?? [30, 1500];
  if (rng.chance(0.5)) {
    const count = rng.int(minOps, maxOps);
    const stallAt = Date.now() + STALL_MS;
    while (ctx.ledger.totalAcked() - ackedBefore < count) {
      if (Date.now() > stallAt) throw new Error(`the storm stalled: ${ctx.ledger.totalAcked() - ackedBefore} of ${count} operations acknowledged`);
      await sleep(2);
    }
    await sleep(rng.int(0, 3));
  } else {
    await sleep(rng.int(minDelay, maxDelay));
  }
  ctx.killing = true;
  await ctx.target.kill();
  stopApprover();
  await Promise.all(running);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
