/**
 * Leases: time-bounded grants of a secret value to a client. They persist in SQLite, expire at their
 * time (one timer armed for the earliest expiry, not a periodic sweep), and those that expired while
 * the daemon was down are closed at start. Their times are on the daemon's clock (steady-clock.ts),
 * which setting the wall clock does not move; a jump re-dates them (clock-jumps.ts).
 */
import { DaemonError } from '../../../shared/errors.js';
import { formatDuration, parseDuration } from '../../../shared/durations.js';
import type { LeaseGrantedT, LeaseInfoT } from '../../../shared/protocol.js';
import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';
import type { Journal, Tx } from '../audit/journal.js';
import { newLeaseId } from './lease-ids.js';
import { type SecretsStore, secretNotFound } from '../secrets/secrets-store.js';
import { createLogger } from '../logger.js';
import { type GrantRequest, type LeaseLimits, type LeaseRow, type PendingGrant, type RevokeSelector, grantDetail, leaseNotFound, toInfo } from './lease-records.js';
import { isOtherUserKey } from '../callers/launcher.js';

export type { GrantRequest, LeaseLimits, RevokeSelector } from './lease-records.js';

const log = createLogger('leases');

/** How soon closing expired leases is tried again after the disk refused it. */
const EXPIRY_RETRY_MS = 1000;

export class LeaseManager {
  private timer: unknown = null;
  private batch: PendingGrant[] = [];
  private timerAt = Infinity;
  private readonly insertLease;
  private readonly selectLease;
  private readonly endLease;
  private readonly nextExpiry;
  private readonly dueLeases;

  constructor(
    private readonly db: Db,
    private readonly journal: Journal,
    private readonly secrets: SecretsStore,
    private readonly limits: LeaseLimits,
    private readonly clock: Clock,
    /** Throws when no lease may be granted now (the killswitch), checked inside the commit. */
    private readonly guard: () => void = () => {},
    /** Called after the commit that ends a lease (revoked or expired). */
    private readonly onEnded: (leaseId: string) => void = () => {},
  ) {
    this.insertLease = db.prepare(
      "INSERT INTO leases (lease_id, secret_name, client_id, client_pid, launcher, created_at, expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'active')",
    );
    this.selectLease = db.prepare('SELECT * FROM leases WHERE lease_id = ?');
    this.endLease = db.prepare("UPDATE leases SET status = ?, ended_at = ?, end_reason = ? WHERE lease_id = ? AND status = 'active'");
    this.nextExpiry = db.prepare("SELECT MIN(expires_at) FROM leases WHERE status = 'active'").pluck();
    this.dueLeases = db.prepare("SELECT * FROM leases WHERE status = 'active' AND expires_at <= ? ORDER BY expires_at");
  }

  /** Closes what expired while the daemon was down, then arms the expiry timer. */
  start(): number {
    const closed = this.expireDue('expired while the daemon was stopped');
    if (closed > 0) log.info('closed leases that expired while the daemon was stopped', { count: closed });
    return closed;
  }

  stop(): void {
    this.commitBatch();
    this.disarm();
  }

  /**
   * The wall clock was set by `deltaMs` (clock-jumps.ts): every active lease keeps the time it had
   * left, dated on the new clock — its grant time too, so a renewal's limit stays as far from it.
   * Returns how many.
   */
  redateInTx(tx: Tx, deltaMs: number): number {
    const rows = this.db.prepare("SELECT * FROM leases WHERE status = 'active'").all() as LeaseRow[];
    this.db.prepare("UPDATE leases SET created_at = created_at + ?, expires_at = expires_at + ? WHERE status = 'active'").run(deltaMs, deltaMs);
    for (const row of rows) tx.emit('lease.renewed', { lease: toInfo({ ...row, created_at: row.created_at + deltaMs, expires_at: row.expires_at + deltaMs }), reason: 'clock jumped' });
    // Grants dated before the jump and not yet committed move with the rest.
    const uncommitted = this.batch.map((item) => item.lease);
    tx.onCommit(() => uncommitted.forEach((lease) => ((lease.created_at += deltaMs), (lease.expires_at += deltaMs))));
    return rows.length;
  }

  /** After the clock moved: ends what is due now and arms the timer afresh (the one armed may be late). */
  resync(): void {
    this.disarm();
    this.expireDueOrRetry();
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  ttlMs(ttl: string | undefined): number {
    return ttl === undefined ? this.limits.defaultTtlMs : parseDuration(ttl, '--ttl', this.limits.maxTtlMs);
  }

  /**
   * @throws DaemonError SECRET_NOT_FOUND, INVALID_DURATION; or the SQLite error when the audit entry
   * cannot be written, in which case no lease exists.
   */
  async grant(request: GrantRequest): Promise<LeaseGrantedT> {
    const ttlMs = this.ttlMs(request.ttl);
    const value = await this.secrets.value(request.secret_name);
    const createdAt = this.clock.now();
    const lease: LeaseRow = {
      lease_id: newLeaseId(createdAt),
      secret_name: request.secret_name,
      client_id: request.client_id,
      client_pid: request.verified?.pid ?? request.client_pid ?? null,
      launcher: request.verified?.launcher_key ?? null,
      created_at: createdAt,
      expires_at: createdAt + ttlMs,
      status: 'active',
    };
    await new Promise<void>((resolve, reject) => {
      this.batch.push({ lease, ttlMs, request, resolve, reject });
      if (this.batch.length === 1) setImmediate(() => this.commitBatch());
    });
    return {
      lease_id: lease.lease_id,
      secret_name: lease.secret_name,
      client_id: lease.client_id,
      value,
      expires_at: new Date(lease.expires_at).toISOString(),
    };
  }

  /**
   * Grants that arrive together are committed in one transaction: a commit is most of a grant's cost.
   * If the transaction fails (an audit write that fails), every grant in it fails: no lease exists
   * without its audit entry.
   */
  private commitBatch(): void {
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const removed = new Set<PendingGrant>();
    try {
      this.journal.run((tx) => {
        this.guard();
        for (const item of batch) {
          const { lease } = item;
          if (!this.secrets.exists(lease.secret_name)) {
            removed.add(item);
            continue;
          }
          this.insertLease.run(lease.lease_id, lease.secret_name, lease.client_id, lease.client_pid, lease.launcher, lease.created_at, lease.expires_at);
          tx.audit({
            action: 'lease.granted',
            client_id: lease.client_id,
            pid: item.request.verified?.pid ?? null,
            secret_name: lease.secret_name,
            lease_id: lease.lease_id,
            detail: grantDetail(item),
          });
          tx.emit('lease.granted', { lease: toInfo(lease) });
        }
      });
    } catch (error) {
      batch.forEach((item) => item.reject(error));
      return;
    }
    for (const item of batch) {
      if (removed.has(item)) {
        item.reject(secretNotFound(item.lease.secret_name));
      } else {
        this.armTimer(item.lease.expires_at);
        item.resolve();
      }
    }
  }

  /** Active leases, of `holder` (a launcher key) only unless it is null. */
  list(filter: { client_id?: string; secret_name?: string }, holder: string | null = null): LeaseInfoT[] {
    const where = ["status = 'active'"];
    const args: string[] = [];
    if (filter.client_id !== undefined) (where.push('client_id = ?'), args.push(filter.client_id));
    if (filter.secret_name !== undefined) (where.push('secret_name = ?'), args.push(filter.secret_name));
    if (holder !== null) (where.push('launcher = ?'), args.push(holder));
    const rows = this.db.prepare(`SELECT * FROM leases WHERE ${where.join(' AND ')} ORDER BY expires_at LIMIT 10000`).all(...args) as LeaseRow[];
    return rows.map(toInfo);
  }

  activeCount(): number {
    return this.db.prepare("SELECT COUNT(*) FROM leases WHERE status = 'active'").pluck().get() as number;
  }

  /**
   * The lease, when `holder` (a launcher key; null: anyone, an admin) took it.
   * @throws DaemonError LEASE_NOT_FOUND; DENIED when another launcher holds it; LEASE_EXPIRED,
   * LEASE_REVOKED when it ended (unless `ended` is allowed).
   */
  held(leaseId: string, holder: string | null, allow: { ended?: boolean } = {}): LeaseInfoT {
    const found = this.selectLease.get(leaseId) as LeaseRow | undefined;
    if (!found) throw leaseNotFound(leaseId);
    if (holder !== null && found.launcher !== holder) {
      // To an agent of another user, someone else's lease does not exist: not its holder, not its state.
      if (isOtherUserKey(holder)) throw leaseNotFound(leaseId);
      throw new DaemonError('DENIED', `lease ${leaseId} was taken by another program (${found.launcher ?? 'unknown'}); only it, or the store owner, may change it`, 'list your own leases with: secrets leases');
    }
    return toInfo(allow.ended ? found : this.requireActive(leaseId, this.clock.now()));
  }

  /**
   * Extends an active lease by `ttl` from now, never past created_at + `limitMs` (`capped` says so).
   * @throws DaemonError LEASE_NOT_FOUND, LEASE_EXPIRED, LEASE_REVOKED, INVALID_DURATION
   */
  renew(leaseId: string, ttl: string | undefined, limitMs = this.limits.maxTtlMs): { lease: LeaseInfoT; capped: boolean } {
    const ttlMs = this.ttlMs(ttl);
    const now = this.clock.now();
    const row = this.requireActive(leaseId, now);
    const limit = row.created_at + Math.min(limitMs, this.limits.maxTtlMs);
    const expiresAt = Math.min(now + ttlMs, limit);
    const renewed: LeaseRow = { ...row, expires_at: expiresAt };
    this.journal.run((tx) => {
      this.db.prepare("UPDATE leases SET expires_at = ? WHERE lease_id = ? AND status = 'active'").run(expiresAt, leaseId);
      tx.audit({ action: 'lease.renewed', client_id: row.client_id, secret_name: row.secret_name, lease_id: leaseId, detail: { ttl: formatDuration(expiresAt - now) } });
      tx.emit('lease.renewed', { lease: toInfo(renewed) });
    });
    // A renewal may shorten a lease: its timer must not wait for the old end.
    this.armTimer(expiresAt);
    return { lease: toInfo(renewed), capped: now + ttlMs > limit };
  }

  /**
   * Revokes the active leases the selector names, of `holder` (a launcher key) only unless it is null.
   * @throws DaemonError LEASE_NOT_FOUND for an unknown lease id. Ended leases revoke to nothing.
   */
  revoke(selector: RevokeSelector, reason: string, holder: string | null = null): string[] {
    if ('lease_id' in selector && !this.selectLease.get(selector.lease_id)) throw leaseNotFound(selector.lease_id);
    return this.journal.run((tx) => this.revokeInTx(tx, selector, reason, holder));
  }

  revokeInTx(tx: Tx, selector: RevokeSelector, reason: string, holder: string | null = null): string[] {
    const [where, arg] =
      'lease_id' in selector
        ? ['lease_id = ?', selector.lease_id]
        : 'client_id' in selector
          ? ['client_id = ?', selector.client_id]
          : 'secret_name' in selector
            ? ['secret_name = ?', selector.secret_name]
            : ['1 = 1', undefined];
    const args = [...(arg === undefined ? [] : [arg]), ...(holder === null ? [] : [holder])];
    const rows = this.db.prepare(`SELECT * FROM leases WHERE status = 'active' AND ${where}${holder === null ? '' : ' AND launcher = ?'}`).all(...args) as LeaseRow[];
    return rows.map((row) => this.end(tx, row, 'revoked', reason));
  }

  /** Closes every lease whose time has come; returns how many. */
  private expireDue(reason = 'ttl elapsed'): number {
    const now = this.clock.now();
    const due = this.dueLeases.all(now) as LeaseRow[];
    if (due.length > 0) this.journal.run((tx) => due.forEach((row) => this.end(tx, row, 'expired', reason)));
    this.rearm();
    return due.length;
  }

  private end(tx: Tx, row: LeaseRow, status: 'revoked' | 'expired', reason: string): string {
    this.endLease.run(status, this.clock.now(), reason, row.lease_id);
    const action = status === 'revoked' ? 'lease.revoked' : 'lease.expired';
    tx.audit({ action, client_id: row.client_id, pid: row.client_pid, secret_name: row.secret_name, lease_id: row.lease_id, detail: { reason } });
    tx.emit(action, { lease: toInfo({ ...row, status }), reason });
    tx.onCommit(() => this.onEnded(row.lease_id));
    return row.lease_id;
  }

  private requireActive(leaseId: string, now: number): LeaseRow {
    const row = this.selectLease.get(leaseId) as LeaseRow | undefined;
    if (!row) throw leaseNotFound(leaseId);
    if (row.status === 'revoked') throw new DaemonError('LEASE_REVOKED', `lease ${leaseId} was revoked`, `take a new lease: secrets lease ${row.secret_name}`);
    if (row.status === 'expired' || row.expires_at <= now) {
      if (row.status === 'active') this.expireDueOrRetry();
      throw new DaemonError('LEASE_EXPIRED', `lease ${leaseId} has expired`, `take a new lease: secrets lease ${row.secret_name}`);
    }
    return row;
  }

  private armTimer(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.expireDueOrRetry();
    }, at - this.clock.now());
  }

  /**
   * Closes what is due, but a disk that refuses the write (full, read-only) must not end the daemon
   * from a timer, nor turn "this lease expired" into a disk error: the leases stay unclosed but are
   * refused all the same (requireActive goes by the time), and closing them is tried again shortly.
   */
  private expireDueOrRetry(): void {
    try {
      this.expireDue();
    } catch (error) {
      log.error('could not close expired leases; trying again shortly', { error: error instanceof Error ? error.message : String(error) });
      this.armTimer(this.clock.now() + EXPIRY_RETRY_MS);
    }
  }

  private rearm(): void {
    const next = this.nextExpiry.get() as number | null;
    if (next !== null) this.armTimer(next);
  }
}
