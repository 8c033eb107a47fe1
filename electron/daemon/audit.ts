/**
 * The audit log: append-only rows in SQLite (triggers refuse UPDATE and DELETE), each chained to the
 * previous by an HMAC. Records who, what, when and the outcome; callers never pass a secret value.
 */
import type { AuditEntryT } from '../../shared/protocol.js';
import type { Db } from './db.js';
import { type AuditRow, GENESIS_MAC, entryMac, headMac } from './audit-chain.js';

export type Outcome = 'ok' | 'denied' | 'error';

export interface AuditInput {
  action: string;
  outcome?: Outcome;
  client_id?: string | null;
  pid?: number | null;
  secret_name?: string | null;
  lease_id?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditFilter {
  tail?: number;
  sinceMs?: number;
  afterId?: number;
  clientId?: string;
  secretName?: string;
  action?: string;
}

export interface AuditHead {
  lastId: number;
  lastMac: Buffer;
}

const DEFAULT_TAIL = 50;
const MAX_ROWS = 100_000;

export function toAuditEntry(row: AuditRow): AuditEntryT {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    action: row.action,
    outcome: row.outcome as Outcome,
    client_id: row.client_id,
    pid: row.pid,
    secret_name: row.secret_name,
    lease_id: row.lease_id,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
  };
}

export class AuditLog {
  private head: AuditHead;
  private headDirty = false;
  private readonly insertRow;
  private readonly writeHead;

  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
    private readonly now: () => number,
  ) {
    this.insertRow = db.prepare(
      'INSERT INTO audit (id, at, action, outcome, client_id, pid, secret_name, lease_id, detail, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.writeHead = db.prepare('INSERT INTO audit_head (one, last_id, mac) VALUES (1, ?, ?) ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id, mac = excluded.mac');
    this.head = this.loadHead();
  }

  /**
   * Where the next entry chains from. The head row wins over the newest row: if entries were cut off
   * the end, new entries still chain from the lost one, so `verify` keeps reporting the cut.
   */
  private loadHead(): AuditHead {
    const stored = this.db.prepare('SELECT last_id AS lastId, mac FROM audit_head WHERE one = 1').get() as { lastId: number; mac: Buffer } | undefined;
    const newest = this.db.prepare('SELECT id, mac FROM audit ORDER BY id DESC LIMIT 1').get() as { id: number; mac: Buffer } | undefined;
    if (stored && (!newest || stored.lastId >= newest.id)) {
      const row = this.db.prepare('SELECT mac FROM audit WHERE id = ?').get(stored.lastId) as { mac: Buffer } | undefined;
      return { lastId: stored.lastId, lastMac: row?.mac ?? GENESIS_MAC };
    }
    return newest ? { lastId: newest.id, lastMac: newest.mac } : { lastId: 0, lastMac: GENESIS_MAC };
  }

  saveHead(): AuditHead {
    return this.head;
  }

  /** Puts the in-memory head back after the surrounding transaction rolled back. */
  restoreHead(head: AuditHead): void {
    this.head = head;
    this.headDirty = false;
  }

  /**
   * Appends one entry. Must run inside a transaction (see Journal) that ends with commitHead(), and
   * that rolls the entry back on failure.
   */
  append(input: AuditInput): AuditRow {
    const row: AuditRow = {
      id: this.head.lastId + 1,
      at: this.now(),
      action: input.action,
      outcome: input.outcome ?? 'ok',
      client_id: input.client_id ?? null,
      pid: input.pid ?? null,
      secret_name: input.secret_name ?? null,
      lease_id: input.lease_id ?? null,
      detail: input.detail ? JSON.stringify(input.detail) : null,
    };
    const mac = entryMac(this.key, this.head.lastMac, row);
    this.insertRow.run(row.id, row.at, row.action, row.outcome, row.client_id, row.pid, row.secret_name, row.lease_id, row.detail, mac);
    this.head = { lastId: row.id, lastMac: mac };
    this.headDirty = true;
    return row;
  }

  /** Writes the chain head once per transaction, after its last append (one HMAC, not one per entry). */
  commitHead(): void {
    if (!this.headDirty) return;
    this.writeHead.run(this.head.lastId, headMac(this.key, this.head.lastId, this.head.lastMac));
    this.headDirty = false;
  }

  count(): number {
    return this.head.lastId;
  }

  query(filter: AuditFilter): AuditEntryT[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.clientId !== undefined) (where.push('client_id = ?'), args.push(filter.clientId));
    if (filter.secretName !== undefined) (where.push('secret_name = ?'), args.push(filter.secretName));
    if (filter.action !== undefined) (where.push('action = ?'), args.push(filter.action));
    if (filter.sinceMs !== undefined) (where.push('at >= ?'), args.push(filter.sinceMs));
    if (filter.afterId !== undefined) (where.push('id > ?'), args.push(filter.afterId));
    const limit = Math.min(filter.tail ?? (filter.sinceMs !== undefined || filter.afterId !== undefined ? MAX_ROWS : DEFAULT_TAIL), MAX_ROWS);
    // Newest first to take the tail, then back to chronological order; `after_id` reads forwards.
    const order = filter.afterId !== undefined && filter.tail === undefined ? 'ASC' : 'DESC';
    const sql = `SELECT id, at, action, outcome, client_id, pid, secret_name, lease_id, detail FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id ${order} LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, limit) as AuditRow[];
    if (order === 'DESC') rows.reverse();
    return rows.map(toAuditEntry);
  }
}
