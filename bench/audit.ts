/**
 * §8 row 4: the audit log at 1,000,000 entries. A real store's state.db is filled through the real
 * AuditLog (HMAC chain keyed from the store's identity, head row, indexes); then filtered tail queries
 * and a one-thread verifyAuditChain walk in this process, and, the target row, `secrets audit verify`
 * end to end: a cold CLI asking a real daemon, which checks ranges on worker threads.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog, type AuditInput } from '../electron/daemon/audit/audit.js';
import { deriveAuditKey } from '../electron/daemon/audit/audit-chain.js';
import { verifyAuditChain } from '../electron/daemon/audit/audit-verify.js';
import { unlockIdentity } from '../electron/daemon/store/identity.js';
import { openDb } from '../electron/daemon/store/db.js';
import { PASSPHRASE, withStore } from './harness.js';
import type { SectionResult } from './report.js';
import { fmtInt, fmtMiB, fmtMs, median } from './stats.js';

export interface AuditOptions {
  entries: number;
  batch: number;
  queryRepeats: number;
  progress?: (message: string) => void;
}

const CLIENTS = 100;
const SECRETS = 100;
const ENTRY_SPACING_MS = 2000;

/** mulberry32: a small deterministic PRNG, so every run fills the same log. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeEntry(random: () => number, index: number): AuditInput {
  const client_id = `agent-${Math.floor(random() * CLIENTS)}`;
  const secret_name = `SECRET_${Math.floor(random() * SECRETS)}`;
  const pid = 1000 + Math.floor(random() * 30_000);
  const lease_id = `L-${index.toString(32).padStart(16, 'a')}`;
  const r = random();
  if (r < 0.55) return { action: 'lease.granted', client_id, pid, secret_name, lease_id, detail: { ttl: '1h' } };
  if (r < 0.9) return { action: 'lease.expired', client_id, pid, secret_name, lease_id, detail: { reason: 'ttl elapsed' } };
  if (r < 0.98) return { action: 'lease.revoked', client_id, pid, secret_name, lease_id, detail: { reason: 'revoked by request' } };
  return { action: 'secret.updated', secret_name };
}

function timeRepeated<T>(repeats: number, fn: () => T): { first: number; median: number; max: number; result: T } {
  const samples: number[] = [];
  let result!: T;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    result = fn();
    samples.push(performance.now() - t0);
  }
  return { first: samples[0]!, median: median(samples), max: Math.max(...samples), result };
}

export async function benchAudit(options: AuditOptions): Promise<SectionResult> {
  return withStore('audit', async (store) => {
    const path = join(store.home, 'state.db');
    const key = deriveAuditKey((await unlockIdentity(store.home, PASSPHRASE)).identity);
    // Fill.
    const random = prng(42);
    let clock = Date.now() - options.entries * ENTRY_SPACING_MS;
    const fillDb = openDb(path);
    const writer = new AuditLog(fillDb, key, () => clock);
    const fillStart = performance.now();
    for (let done = 0; done < options.entries; ) {
      const n = Math.min(options.batch, options.entries - done);
      const first = done;
      fillDb.transaction(() => {
        for (let i = 0; i < n; i++) {
          clock += ENTRY_SPACING_MS;
          writer.append(makeEntry(random, first + i));
        }
        writer.commitHead();
      })();
      done += n;
      // Yield between batches so a Ctrl-C is handled (and temp files removed) promptly.
      await new Promise((r) => setImmediate(r));
      if (done % 200_000 === 0) options.progress?.(`audit: ${fmtInt(done)} entries written (${fmtInt(done / ((performance.now() - fillStart) / 1000))}/s)`);
    }
    const fillMs = performance.now() - fillStart;
    fillDb.close();
    const sizeBytes = statSync(path).size;

    // Query and verify on a fresh connection, as the daemon would after a start.
    const db = openDb(path);
    try {
      const reader = new AuditLog(db, key, Date.now);
      const total = reader.count();
      const queries = [
        { label: 'clientId=agent-42, tail 100', filter: { clientId: 'agent-42', tail: 100 }, target: true },
        { label: 'action=lease.revoked, tail 100', filter: { action: 'lease.revoked', tail: 100 }, target: true },
        { label: 'clientId + secretName, tail 100', filter: { clientId: 'agent-42', secretName: 'SECRET_7', tail: 100 }, target: false },
        { label: 'since 7 days, tail 100', filter: { sinceMs: clock - 7 * 86_400_000, tail: 100 }, target: false },
      ];
      const timed = queries.map((q) => ({ ...q, ...timeRepeated(options.queryRepeats, () => reader.query(q.filter)) }));
      for (const q of timed) if (q.result.length === 0) throw new Error(`audit query ${q.label} returned nothing`);

      // What `secrets audit verify` runs (ranges over worker threads), then one thread for comparison.
      const singleStart = performance.now();
      const single = verifyAuditChain(db, key);
      const singleMs = performance.now() - singleStart;
      if (!single.ok || single.checked !== total) throw new Error(`single-thread verify failed: ${JSON.stringify(single)}`);
      db.close();

      await store.startDaemon();
      const verifyStart = performance.now();
      const cli = await store.cli(['audit', 'verify', '--json']);
      const verifyMs = performance.now() - verifyStart;
      const verdict = JSON.parse(cli.stdout).data as { ok: boolean; checked: number } | undefined;
      // The daemon appended its own start entry: it checks one more than was filled.
      if (cli.code !== 0 || !verdict?.ok || verdict.checked < total) throw new Error(`secrets audit verify failed: ${cli.stdout} ${cli.stderr}`);
      const perSecond = verdict.checked / (verifyMs / 1000);

      return {
        rows: [
          ...timed.map((q) => ({
            metric: `${q.target ? '' : '  '}audit query @${fmtInt(total)}: ${q.label}`,
            measured: `${fmtMs(q.median)} (first ${fmtMs(q.first)})`,
            ...(q.target ? { target: { value: 50, direction: 'max' as const, label: '≤ 50 ms' }, value: q.median } : {}),
          })),
          {
            metric: `\`secrets audit verify\` @${fmtInt(total)}, end to end`,
            measured: `${fmtInt(perSecond)} entries/s (${fmtMs(verifyMs)})`,
            target: { value: 500_000, direction: 'min', label: '≥ 500,000/s' },
            value: perSecond,
          },
          {
            metric: `  audit verify @${fmtInt(total)}, one thread`,
            measured: `${fmtInt(single.checked / (singleMs / 1000))} entries/s (${fmtMs(singleMs)})`,
          },
        ],
        notes: [
          `audit: filled ${fmtInt(options.entries)} entries through AuditLog.append in transactions of ${fmtInt(options.batch)} in ${fmtMs(fillMs)} ` +
            `(${fmtInt(options.entries / (fillMs / 1000))}/s), ${CLIENTS} clients × ${SECRETS} secrets × 4 actions; state.db ${fmtMiB(sizeBytes)}. ` +
            `Queries: median of ${options.queryRepeats} (first run in brackets, max ${timed.map((q) => fmtMs(q.max)).join(' / ')}).`,
        ],
      };
    } finally {
      if (db.open) db.close();
    }
  });
}
