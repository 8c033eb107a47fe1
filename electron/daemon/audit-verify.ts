/**
 * `audit verify`: walks the chain and names the first entry that does not check out (edited,
 * missing, out of order, or cut off the end).
 */
import type { Db } from './db.js';
import { type AuditRow, GENESIS_MAC, entryMac, headMac } from './audit-chain.js';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  first_bad: { id: number; reason: string } | null;
}

const COLUMNS = 'id, at, action, outcome, client_id, pid, secret_name, lease_id, detail, mac';

export function verifyAuditChain(db: Db, key: Buffer): VerifyResult {
  let previousMac: Uint8Array = GENESIS_MAC;
  let expectedId = 1;
  let checked = 0;
  const bad = (id: number, reason: string): VerifyResult => ({ ok: false, checked, first_bad: { id, reason } });

  for (const row of db.prepare(`SELECT ${COLUMNS} FROM audit ORDER BY id`).iterate() as IterableIterator<AuditRow & { mac: Buffer }>) {
    if (row.id !== expectedId) {
      return bad(row.id, `entries ${expectedId}..${row.id - 1} are missing before entry ${row.id}`);
    }
    if (!entryMac(key, previousMac, row).equals(row.mac)) {
      return bad(row.id, `entry ${row.id} does not match its MAC: it was edited, moved, or an entry before it was removed`);
    }
    previousMac = row.mac;
    expectedId++;
    checked++;
  }

  const head = db.prepare('SELECT last_id AS lastId, mac FROM audit_head WHERE one = 1').get() as { lastId: number; mac: Buffer } | undefined;
  const lastId = expectedId - 1;
  if (head === undefined) {
    return lastId === 0 ? { ok: true, checked, first_bad: null } : bad(lastId, 'the chain head record is missing');
  }
  if (head.lastId !== lastId) {
    return bad(lastId + 1, `entries ${lastId + 1}..${head.lastId} are missing from the end of the log`);
  }
  if (!headMac(key, head.lastId, previousMac).equals(head.mac)) {
    return bad(lastId, 'the chain head record does not match the newest entry');
  }
  return { ok: true, checked, first_bad: null };
}
