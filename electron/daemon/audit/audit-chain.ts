/**
 * The audit HMAC chain: each entry's mac = HMAC-SHA256(key, previous mac ‖ entry), hex, keyed from the
 * identity so nobody without it can forge a consistent log. The entry is its canonical JSON text,
 * including its id, so moving an entry breaks the chain too. Pure functions, shared by the writer and
 * the verifier.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export const GENESIS_MAC = '0'.repeat(64);

/** One audit entry as stored: `at` in ms since the epoch, `detail` an object or null. */
export interface AuditRecord {
  id: number;
  at: number;
  action: string;
  outcome: string;
  client_id: string | null;
  pid: number | null;
  secret_name: string | null;
  lease_id: string | null;
  detail: Record<string, unknown> | null;
}

export function deriveAuditKey(identity: string): Buffer {
  return Buffer.from(hkdfSync('sha256', identity, 'agent-secrets', 'audit-chain-v1', 32));
}

/** Key order is fixed by construction: the text is what the chain authenticates. */
export function canonicalEntry(r: AuditRecord): string {
  return JSON.stringify({
    id: r.id,
    at: r.at,
    action: r.action,
    outcome: r.outcome,
    client_id: r.client_id,
    pid: r.pid,
    secret_name: r.secret_name,
    lease_id: r.lease_id,
    detail: r.detail,
  });
}

/** One string update and a hex digest: the cheapest way through Node's HMAC (verify is a hot loop). */
export function entryMac(key: Buffer, previousMac: string, entry: string): string {
  return createHmac('sha256', key).update(previousMac + entry).digest('hex');
}

export function headMac(key: Buffer, lastId: number, lastMac: string): string {
  return createHmac('sha256', key).update(`head:${lastId}:${lastMac}`).digest('hex');
}
