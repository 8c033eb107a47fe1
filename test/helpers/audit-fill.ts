/**
 * A big audit log, made the fast way: entries appended through the real AuditLog (HMAC chain keyed
 * from the store's identity, head row, indexes) straight into state.db while no daemon runs, so a
 * daemon started afterwards serves and verifies them as its own. Deterministic (seeded), so every run
 * fills the same log. Used by the audit benchmark and the window's tests at 100,000 entries.
 */
import { join } from 'node:path';
import { AuditLog, type AuditInput } from '../../electron/daemon/audit/audit.js';
import { deriveAuditKey } from '../../electron/daemon/audit/audit-chain.js';
import { openDb } from '../../electron/daemon/store/db.js';
import { unlockIdentity } from '../../electron/daemon/store/identity.js';
import { mulberry32 } from './prng.js';

export const FILL_CLIENTS = 100;
export const FILL_SECRETS = 100;

export interface FillOptions {
  home: string;
  passphrase: string;
  entries: number;
  /** Entries per transaction. */
  batch?: number;
  /** Time between entries; the last one is at about now. */
  spacingMs?: number;
  /** Appended before the generated ones: the oldest entries, e.g. one a test must find among them all. */
  first?: AuditInput[];
  progress?: (done: number) => void;
}


function makeEntry(random: () => number, index: number): AuditInput {
  const client_id = `agent-${Math.floor(random() * FILL_CLIENTS)}`;
  const secret_name = `SECRET_${Math.floor(random() * FILL_SECRETS)}`;
  const pid = 1000 + Math.floor(random() * 30_000);
  const lease_id = `L-${index.toString(32).padStart(16, 'a')}`;
  const r = random();
  if (r < 0.55) return { action: 'lease.granted', client_id, pid, secret_name, lease_id, detail: { ttl: '1h' } };
  if (r < 0.9) return { action: 'lease.expired', client_id, pid, secret_name, lease_id, detail: { reason: 'ttl elapsed' } };
  if (r < 0.98) return { action: 'lease.revoked', client_id, pid, secret_name, lease_id, detail: { reason: 'revoked by request' } };
  return { action: 'secret.updated', secret_name };
}

/** Fills the store's audit log; returns the time of the last generated entry. */
export async function fillAudit(options: FillOptions): Promise<{ lastAt: number }> {
  const batch = options.batch ?? 10_000;
  const spacing = options.spacingMs ?? 2000;
  const key = deriveAuditKey((await unlockIdentity(options.home, options.passphrase)).identity);
  const random = mulberry32(42);
  let clock = Date.now() - options.entries * spacing;
  const db = openDb(join(options.home, 'state.db'));
  try {
    const writer = new AuditLog(db, key, () => clock);
    if (options.first !== undefined && options.first.length > 0) {
      db.transaction(() => {
        for (const entry of options.first!) writer.append(entry);
        writer.commitHead();
      })();
    }
    for (let done = 0; done < options.entries; ) {
      const n = Math.min(batch, options.entries - done);
      const first = done;
      db.transaction(() => {
        for (let i = 0; i < n; i++) {
          clock += spacing;
          writer.append(makeEntry(random, first + i));
        }
        writer.commitHead();
      })();
      done += n;
      options.progress?.(done);
      // Yield between batches so a Ctrl-C is handled (and temp files removed) promptly.
      await new Promise((r) => setImmediate(r));
    }
    return { lastAt: clock };
  } finally {
    db.close();
  }
}
