/**
 * §8 row 4: the audit log at 1,000,000 entries. A real store's state.db is filled through the real
 * AuditLog (HMAC chain keyed from the store's identity, head row, indexes); then filtered tail queries
 * and a one-thread verifyAuditChain walk in this process, and, the target row, `secrets audit verify`
 * end to end: a cold CLI asking a real daemon, which checks ranges on worker threads.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../electron/daemon/audit/audit.js';
import { deriveAuditKey } from '../electron/daemon/audit/audit-chain.js';
import { verifyAuditChain } from '../electron/daemon/audit/audit-verify.js';
import { unlockIdentity } from '../electron/daemon/store/identity.js';
import { openDb } from '../electron/daemon/store/db.js';
import { FILL_CLIENTS, FILL_SECRETS, fillAudit } from '../test/helpers/audit-fill.js';
import { PASSPHRASE, withStore } from './harness.js';
import type { SectionResult } from './report.js';
import { fmtInt, fmtMiB, fmtMs, median } from './stats.js';

export interface AuditOptions {
  entries: number;
  batch: number;
  queryRepeats: number;
  progress?: (message: string) => void;
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
    const fillStart = performance.now();
    const { lastAt: clock } = await fillAudit({
      home: store.home,
      passphrase: PASSPHRASE,
      entries: options.entries,
      batch: options.batch,
      progress: (done) => {
        if (done % 200_000 === 0) options.progress?.(`audit: ${fmtInt(done)} entries written (${fmtInt(done / ((performance.now() - fillStart) / 1000))}/s)`);
      },
    });
    const fillMs = performance.now() - fillStart;
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
            `(${fmtInt(options.entries / (fillMs / 1000))}/s), ${FILL_CLIENTS} clients × ${FILL_SECRETS} secrets × 4 actions; state.db ${fmtMiB(sizeBytes)}. ` +
            `Queries: median of ${options.queryRepeats} (first run in brackets, max ${timed.map((q) => fmtMs(q.max)).join(' / ')}).`,
        ],
      };
    } finally {
      if (db.open) db.close();
    }
  });
}
