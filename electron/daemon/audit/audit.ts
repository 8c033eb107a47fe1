/**
 * The audit log: append-only rows in SQLite (triggers refuse UPDATE and DELETE), each chained to the
 * previous by an HMAC. Records who, what, when and the outcome; callers never pass a secret value.
 */
import type { AuditAction } from '../../../shared/audit-actions.js';
import type { AuditEntryT } from '../../../shared/protocol.js';
import type { Db } from '../store/db.js';
import { type AuditRecord, GENESIS_MAC, canonicalEntry, entryMac, headMac } from './audit-chain.js';

export type Outcome = 'ok' | 'denied' | 'error';

export interface AuditInput {
  /** Only the listed actions: the window's audit filter offers that list. */
  action: AuditAction;
  outcome?: Outcome;
  client_id?: string | null;
  pid?: number | null;
  secret_name?: string | null;
  lease_id?: string | null;
  detail?: Record<string, unknown> | null;
}

/** What `audit.query` selects (see its params in shared/protocol.ts); times in ms since the epoch. */
export interface AuditFilter {
  tail?: number;
  sinceMs?: number;
  afterId?: number;
  beforeId?: number;
  fromMs?: number;
  untilMs?: number;
  clientId?: string;
  secretName?: string;
  action?: string;
  text?: string;
  newestFirst?: boolean;
}

export interface AuditHead {
  lastId: number;
  lastMac: string;
}

/** The text a search looks in: each shown field once, newline-separated so no match spans two. */
const SEARCHABLE = "concat_ws(char(10), action, client_id, secret_name, json_extract(entry, '$.lease_id'), json_extract(entry, '$.detail'))";

const DEFAULT_TAIL = 50;
const MAX_ROWS = 100_000;

/** The entry as the protocol shows it, from its stored (authenticated) JSON text. */
export function toAuditEntry(entry: string | AuditRecord): AuditEntryT {
  const record = typeof entry === 'string' ? (JSON.parse(entry) as AuditRecord) : entry;
  return { ...record, at: new Date(record.at).toISOString(), outcome: record.outcome as Outcome };
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
    this.insertRow = db.prepare('INSERT INTO audit (id, entry, mac) VALUES (?, ?, ?)');
    this.writeHead = db.prepare('INSERT INTO audit_head (one, last_id, mac) VALUES (1, ?, ?) ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id, mac = excluded.mac');
    this.head = this.loadHead();
  }

  /**
   * Where the next entry chains from. The head row wins over the newest row: if entries were cut off
   * the end, new entries still chain from the lost one, so `verify` keeps reporting the cut.
   */
  private loadHead(): AuditHead {
    const stored = this.db.prepare('SELECT last_id AS lastId, mac FROM audit_head WHERE one = 1').get() as { lastId: number; mac: string } | undefined;
    const newest = this.db.prepare('SELECT id, mac FROM audit ORDER BY id DESC LIMIT 1').get() as { id: number; mac: string } | undefined;
    if (stored && (!newest || stored.lastId >= newest.id)) {
      const row = this.db.prepare('SELECT mac FROM audit WHERE id = ?').get(stored.lastId) as { mac: string } | undefined;
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
  append(input: AuditInput): AuditRecord {
    const record: AuditRecord = {
      id: this.head.lastId + 1,
      at: this.now(),
      action: input.action,
      outcome: input.outcome ?? 'ok',
      client_id: input.client_id ?? null,
      pid: input.pid ?? null,
      secret_name: input.secret_name ?? null,
      lease_id: input.lease_id ?? null,
      detail: input.detail ?? null,
    };
    const entry = canonicalEntry(record);
    const mac = entryMac(this.key, this.head.lastMac, entry);
    this.insertRow.run(record.id, entry, mac);
    this.head = { lastId: record.id, lastMac: mac };
    this.headDirty = true;
    return record;
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

  /**
   * The newest `tail` matching entries (or, reading forwards with `after_id` and no `tail`, the oldest
   * after it), oldest first unless `newestFirst`. Equality filters and bounds use the indexed
   * generated columns; `text` scans what a person reads in an entry — its action, client, secret,
   * lease and detail, not the field names every entry has (searching "client" must not match all) —
   * with instr(), so `%` and `_` are literal, and SQLite's lower() folds ASCII only.
   */
  query(filter: AuditFilter): AuditEntryT[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, value: unknown) => (where.push(clause), args.push(value));
    if (filter.clientId !== undefined) add('client_id = ?', filter.clientId);
    if (filter.secretName !== undefined) add('secret_name = ?', filter.secretName);
    if (filter.action !== undefined) add('action = ?', filter.action);
    if (filter.sinceMs !== undefined) add('at >= ?', filter.sinceMs);
    if (filter.fromMs !== undefined) add('at >= ?', filter.fromMs);
    if (filter.untilMs !== undefined) add('at <= ?', filter.untilMs);
    if (filter.afterId !== undefined) add('id > ?', filter.afterId);
    if (filter.beforeId !== undefined) add('id < ?', filter.beforeId);
    if (filter.text !== undefined) add(`instr(lower(${SEARCHABLE}), lower(?)) > 0`, filter.text);
    const bounded = filter.sinceMs !== undefined || filter.fromMs !== undefined || filter.afterId !== undefined;
    const limit = Math.min(filter.tail ?? (bounded ? MAX_ROWS : DEFAULT_TAIL), MAX_ROWS);
    // Newest first to take the tail; `after_id` without a tail reads forwards from it.
    const forwards = filter.afterId !== undefined && filter.tail === undefined;
    const sql = `SELECT entry FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id ${forwards ? 'ASC' : 'DESC'} LIMIT ?`;
    const rows = this.db.prepare(sql).pluck().all(...args, limit) as string[];
    if (forwards === Boolean(filter.newestFirst)) rows.reverse();
    return rows.map(toAuditEntry);
  }
}
