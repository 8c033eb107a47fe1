/**
 * The audit HMAC chain: each entry's mac = HMAC-SHA256(key, previous mac ‖ canonical entry), keyed
 * from the identity so nobody without it can forge a consistent log. Pure functions, shared by the
 * writer and the verifier.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export const GENESIS_MAC = Buffer.alloc(32);

export interface AuditRow {
  id: number;
  at: number;
  action: string;
  outcome: string;
  client_id: string | null;
  pid: number | null;
  secret_name: string | null;
  lease_id: string | null;
  /** JSON text, or null. */
  detail: string | null;
}

export function deriveAuditKey(identity: string): Buffer {
  return Buffer.from(hkdfSync('sha256', identity, 'agent-secrets', 'audit-chain-v1', 32));
}

/** Field order is fixed: changing it invalidates every existing chain. */
export function canonicalEntry(row: AuditRow): string {
  return JSON.stringify([row.id, row.at, row.action, row.outcome, row.client_id, row.pid, row.secret_name, row.lease_id, row.detail]);
}

export function entryMac(key: Buffer, previousMac: Uint8Array, row: AuditRow): Buffer {
  return createHmac('sha256', key).update(previousMac).update(canonicalEntry(row)).digest();
}

export function headMac(key: Buffer, lastId: number, lastMac: Uint8Array): Buffer {
  return createHmac('sha256', key).update('head').update(String(lastId)).update(lastMac).digest();
}
