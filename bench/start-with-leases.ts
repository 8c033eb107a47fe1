/**
 * §8 row 3: daemon start time, from spawning `secrets serve --foreground` to the first `health`
 * answer on the socket: on an empty store, then with 1,000,000 active leases inserted directly; and
 * the unlock of a store made with age's default scrypt work factor (unlock.ts).
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_SCRYPT_WORK_FACTOR } from '../electron/daemon/store/identity.js';
import { type BenchStore, withStore } from './harness.js';
import type { SectionResult } from './report.js';
import { rpcCall, waitForHealth } from './rpc.js';
import { benchUnlock } from './unlock.js';
import { fmtInt, fmtMs, median } from './stats.js';

export interface StartOptions {
  runs: number;
  leases: number;
  /** Starts of a store made with the CLI's default scrypt work factor (0 to skip). */
  defaultWorkFactorRuns: number;
  /** Unlocks of such a store's identity.age, native beside JavaScript scrypt. */
  unlockRuns: number;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function leaseId(): string {
  const bytes = randomBytes(16);
  let id = 'L-';
  for (let i = 0; i < 16; i++) id += ALPHABET[bytes[i]! & 31];
  return id;
}

/** Inserts `count` active leases expiring ~1 h from now, spread over 100 secrets and 100 clients. */
function insertLeases(dbPath: string, count: number): number {
  const started = performance.now();
  const db = new Database(dbPath);
  try {
    const insert = db.prepare(
      "INSERT INTO leases (lease_id, secret_name, client_id, client_pid, created_at, expires_at, status) VALUES (?, ?, ?, ?, ?, ?, 'active')",
    );
    const now = Date.now();
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        insert.run(leaseId(), `SECRET_${i % 100}`, `agent-${(i * 37) % 100}`, 1000 + (i % 5000), now - (i % 60_000), now + 3_600_000 + (i % 60_000));
      }
    })();
  } finally {
    db.close();
  }
  return performance.now() - started;
}

/** One start: spawn → first health answer; then a graceful stop. */
async function timeStart(store: BenchStore, afterReady?: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  const daemon = store.spawnDaemon();
  try {
    const ready = await waitForHealth(store.socket, { check: () => daemon.assertAlive(), pollMs: 2 });
    const ms = ready - t0;
    await afterReady?.();
    return ms;
  } finally {
    await daemon.stop();
  }
}

async function timeStarts(store: BenchStore, runs: number, afterFirst?: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeStart(store, i === 0 ? afterFirst : undefined));
  return samples;
}

const summary = (samples: number[]) => `median ${fmtMs(median(samples))} (min ${fmtMs(Math.min(...samples))}, max ${fmtMs(Math.max(...samples))})`;

/** The same start on a store initialised like `secrets init` does by default (age's scrypt work factor). */
function defaultWorkFactorStarts(runs: number): Promise<number[]> {
  if (runs === 0) return Promise.resolve([]);
  return withStore('start18', (store) => timeStarts(store, runs), undefined, null);
}

export async function benchStart(options: StartOptions): Promise<SectionResult> {
  const unlock = await benchUnlock(options.unlockRuns);
  const realKdf = await defaultWorkFactorStarts(options.defaultWorkFactorRuns);
  return withStore('start', async (store) => {
    // One untimed start and stop first: warms the OS file cache for node, the bundles and SQLite.
    await timeStart(store);
    const plain = await timeStarts(store, options.runs);
    const insertMs = insertLeases(join(store.home, 'state.db'), options.leases);
    let active = -1;
    const loaded = await timeStarts(store, options.runs, async () => {
      const status = (await rpcCall(store.socket, 'status')) as { counts: { active_leases: number } };
      active = status.counts.active_leases;
    });
    if (active < options.leases) throw new Error(`the daemon reports ${active} active leases, expected ${options.leases}`);
    const loadedMedian = median(loaded);
    return {
      rows: [
        {
          metric: `daemon start → health, ${fmtInt(options.leases)} active leases`,
          measured: fmtMs(loadedMedian),
          target: { value: 2000, direction: 'max', label: '≤ 2000 ms' },
          value: loadedMedian,
        },
        { metric: '  daemon start → health, empty store', measured: fmtMs(median(plain)) },
        ...(realKdf.length ? [{ metric: `  daemon start → health, empty store, scrypt work factor ${DEFAULT_SCRYPT_WORK_FACTOR}`, measured: fmtMs(median(realKdf)) }] : []),
        ...unlock.rows,
      ],
      notes: [
        `start: ${options.runs} starts each (after one untimed), spawn of \`node bin/secrets serve --foreground\` to first ok health answer (polled every 2 ms); ` +
          `empty: ${summary(plain)}; with ${fmtInt(active)} active leases: ${summary(loaded)}; inserting the leases took ${fmtMs(insertMs)}. ` +
          'These stores use scrypt work factor 10 for identity.age, like the tests' +
          (realKdf.length ? `; a store made by a plain \`secrets init\` (work factor ${DEFAULT_SCRYPT_WORK_FACTOR}) starts in ${summary(realKdf)}, ${realKdf.length} starts.` : '.'),
        unlock.note,
      ],
    };
  });
}
