/**
 * Approval of new clients. A lease from a client without a matching grant becomes a pending request
 * and waits for a person: deny, allow once, or allow for a time (or until revoked), for this secret
 * or all. Identical requests coalesce into one prompt; a denied client and launcher are refused
 * without asking for a cooldown; the requests waiting are capped per client, per launcher and in total
 * (caps.ts), so an agent inventing client ids cannot bury the person in prompts.
 */
import { randomBytes } from 'node:crypto';
import { DaemonError } from '../../../shared/errors.js';
import { formatDuration } from '../../../shared/durations.js';
import { APPROVAL_PENDING_NOTIFICATION, type ApprovalRequestT, type ClientGrantT } from '../../../shared/protocol.js';
import type { Caller } from '../callers/caller.js';
import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';
import { type GrantStore, type Want, grantExpiry, grantMaxTtl } from './grants.js';
import type { Journal, Tx } from '../audit/journal.js';
import { type VerifiedIdentity, verifiedCaller } from '../callers/peer-identity.js';
import { type PendingCaps, RefusalAudit, capError, capReached } from './caps.js';
import { DenyCooldowns } from './deny-cooldowns.js';
import { createLogger } from '../logger.js';

const log = createLogger('approvals');

export interface ApprovalLimits extends PendingCaps {
  timeoutMs: number;
  denyCooldownMs: number;
}

export interface LeaseWish {
  client_id: string;
  /** One or more secrets, asked for together (`exec` leases a whole project as one request). */
  secret_names: string[];
  /** The longest TTL asked for. */
  ttlMs: number;
  reported_pid: number | null;
  /** For `secrets env`: where the values would be written, shown to the person. */
  env_file?: string | null;
}

export interface ApproveOptions {
  /** undefined: allow once. "forever": until revoked. Else a duration. */
  for?: string;
  scope?: 'secret' | 'all';
  max_ttl?: string;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Coalesced leases may ask for different TTLs; a grant's max TTL is checked for each. */
  ttlMs: number;
}

interface Pending {
  request: ApprovalRequestT;
  key: string;
  launcher: string;
  waiters: Waiter[];
  timer: unknown;
}


function newRequestId(): string {
  return `R-${randomBytes(6).toString('hex')}`;
}

export class ApprovalBroker {
  private readonly pending = new Map<string, Pending>();
  private readonly refusals: RefusalAudit;
  /** Denied clients refused without a prompt for a while; clock-jumps.ts re-dates them. */
  readonly cooldowns: DenyCooldowns;

  constructor(
    private readonly db: Db,
    private readonly grants: GrantStore,
    private readonly journal: Journal,
    private readonly clock: Clock,
    private readonly limits: ApprovalLimits,
  ) {
    this.refusals = new RefusalAudit(journal);
    this.cooldowns = new DenyCooldowns(db, clock, () => this.limits.denyCooldownMs);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  list(): ApprovalRequestT[] {
    return [...this.pending.values()].map((p) => p.request);
  }

  /**
   * Resolves when the caller may lease; otherwise waits for a person.
   * @throws DaemonError DENIED: a grant's max TTL is exceeded, the client is in its deny cooldown,
   * a cap on waiting requests is reached (its client id's, its launcher's or the daemon's), it was
   * denied, or nobody decided in time. Joining an identical waiting request is never capped.
   */
  async authorize(caller: Caller, wish: LeaseWish): Promise<void> {
    const identity = caller.identity?.() ?? null;
    const launcher = identity?.launcher_key ?? 'unknown';
    const uncovered = this.uncovered(wish.client_id, launcher, wish.secret_names, wish.ttlMs);
    if (uncovered.length === 0) return;
    this.cooldowns.refuseDuring(wish.client_id, launcher);

    const asked = { ...wish, secret_names: uncovered };
    const key = `${wish.client_id}\0${launcher}\0${[...uncovered].sort().join('\0')}`;
    let pending = [...this.pending.values()].find((p) => p.key === key);
    if (!pending) {
      const asker = { client_id: wish.client_id, launcher };
      const waiting = [...this.pending.values()].map((p) => ({ client_id: p.request.client_id, launcher: p.launcher }));
      const reached = capReached(waiting, asker, this.limits);
      if (reached) {
        this.refusals.refused(asker, reached, identity?.pid ?? null, uncovered[0]);
        throw capError(reached, asker);
      }
      pending = this.open(asked, launcher, key, identity);
    }
    caller.notify?.(APPROVAL_PENDING_NOTIFICATION, { request: pending.request });
    const waiting = pending;
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject, ttlMs: wish.ttlMs };
      waiting.waiters.push(waiter);
      // A client that gives up (disconnects) withdraws its wait; nobody is granted a lease unseen.
      caller.signal?.addEventListener('abort', () => this.withdraw(waiting, waiter), { once: true });
    });
  }

  /**
   * The secrets no grant covers yet.
   * @throws DaemonError DENIED when a covering grant's max TTL is shorter than asked for.
   */
  private uncovered(clientId: string, launcher: string, names: string[], ttlMs: number): string[] {
    return names.filter((secret_name) => {
      const want = { client_id: clientId, launcher, secret_name };
      const grants = this.grants.matching(want);
      if (grants.length === 0) return true;
      checkMaxTtl(grants, want, ttlMs);
      return false;
    });
  }

  private withdraw(pending: Pending, waiter: Waiter): void {
    pending.waiters = pending.waiters.filter((w) => w !== waiter);
    waiter.reject(new DaemonError('DENIED', 'the client disconnected before a decision'));
    if (pending.waiters.length > 0 || this.pending.get(pending.request.request_id) !== pending) return;
    this.take(pending.request.request_id);
    this.decided(pending, 'withdrawn');
  }

  private open(wish: LeaseWish, launcher: string, key: string, identity: VerifiedIdentity | null): Pending {
    const now = this.clock.now();
    const known = this.grants.knownLaunchers(wish.client_id).filter((l) => l !== null);
    const reason =
      known.length > 0 ? `client id "${wish.client_id}" is approved for ${known.join(', ')}, but this request comes from ${launcher}` : `new client "${wish.client_id}"`;
    const request: ApprovalRequestT = {
      request_id: newRequestId(),
      client_id: wish.client_id,
      secret_names: wish.secret_names,
      ttl: formatDuration(wish.ttlMs),
      reason,
      verified: identity && verifiedCaller(identity),
      reported_pid: wish.reported_pid,
      env_file: wish.env_file ?? null,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + this.limits.timeoutMs).toISOString(),
    };
    const pending: Pending = { request, key, launcher, waiters: [], timer: null };
    // Audited first: a request the disk did not let us record is not shown to anyone or timed out.
    this.journal.run((tx) => {
      tx.audit({
        action: 'approval.requested',
        outcome: 'ok',
        client_id: wish.client_id,
        pid: identity?.pid ?? null,
        secret_name: wish.secret_names[0],
        detail: { request_id: request.request_id, secrets: wish.secret_names, launcher, reason, reported_pid: wish.reported_pid, exe: identity?.exe ?? null, parents: identity?.parents.map((p) => p.exe) ?? [] },
      });
      tx.emit('approval.requested', { request });
    });
    pending.timer = this.clock.setTimer(() => this.expire(pending), this.limits.timeoutMs);
    this.pending.set(request.request_id, pending);
    return pending;
  }

  private take(requestId: string): Pending {
    const pending = this.pending.get(requestId);
    if (!pending) throw new DaemonError('REQUEST_NOT_FOUND', `no pending request ${requestId}`, 'list pending requests with: secrets requests');
    this.pending.delete(requestId);
    this.clock.clearTimer(pending.timer);
    return pending;
  }

  private decided(pending: Pending, decision: string, extra: Record<string, unknown> = {}): void {
    const { request } = pending;
    this.journal.run((tx) => {
      tx.audit({
        action: 'approval.decided',
        outcome: decision.startsWith('allow') ? 'ok' : 'denied',
        client_id: request.client_id,
        pid: request.verified?.pid ?? null,
        secret_name: request.secret_names[0],
        detail: { request_id: request.request_id, decision, launcher: pending.launcher, ...extra },
      });
      tx.emit('approval.decided', { request, decision, ...extra });
    });
    // A request left, so a refused caller could be taken now: a refusal burst ends here.
    this.refusals.end();
  }

  /**
   * Allows a pending request: once (its waiting leases only) or as a grant for a time.
   * @throws DaemonError REQUEST_NOT_FOUND, INVALID_DURATION
   */
  approve(requestId: string, options: ApproveOptions, decidedBy: string): { request: ApprovalRequestT; grant: ClientGrantT | null } {
    const pending = this.pending.get(requestId);
    if (!pending) throw new DaemonError('REQUEST_NOT_FOUND', `no pending request ${requestId}`, 'list pending requests with: secrets requests');
    const expiresAt = options.for === undefined ? null : grantExpiry(options.for, this.clock.now());
    const maxTtlMs = grantMaxTtl(options.max_ttl);
    this.take(requestId);
    if (options.for === undefined) {
      this.decided(pending, 'allow-once', { by: decidedBy });
      pending.waiters.forEach((w) => w.resolve());
      return { request: pending.request, grant: null };
    }
    const grant = this.grants.add({
      client_id: pending.request.client_id,
      launcher: pending.launcher,
      secrets: options.scope === 'all' ? null : pending.request.secret_names,
      max_ttl_ms: maxTtlMs,
      expires_at: expiresAt,
      source: 'approval',
    });
    this.decided(pending, 'allow', { by: decidedBy, grant_id: grant.grant_id, scope: options.scope ?? 'secret', until: grant.expires_at ?? 'revoked' });
    this.releaseCovered(pending);
    this.releaseCoveredOthers(pending.request.client_id);
    return { request: pending.request, grant };
  }

  /** Lets a decided request's waiters through if the grants now allow them (a max TTL may not). */
  private releaseCovered(pending: Pending): void {
    for (const waiter of pending.waiters) {
      try {
        const left = this.uncovered(pending.request.client_id, pending.launcher, pending.request.secret_names, waiter.ttlMs);
        if (left.length > 0) throw new DaemonError('DENIED', `not approved for ${left.join(', ')}`, 'lease again to ask for them');
        waiter.resolve();
      } catch (error) {
        waiter.reject(error);
      }
    }
  }

  /** Other requests of the client that a new grant now covers go through without asking again. */
  private releaseCoveredOthers(clientId: string): void {
    for (const other of [...this.pending.values()].filter((p) => p.request.client_id === clientId)) {
      const covered = other.request.secret_names.every((secret_name) => this.grants.matching({ client_id: clientId, launcher: other.launcher, secret_name }).length > 0);
      if (!covered) continue;
      this.take(other.request.request_id);
      this.decided(other, 'allow', { by: 'grant', covered_by_grant: true });
      this.releaseCovered(other);
    }
  }

  /** @throws DaemonError REQUEST_NOT_FOUND */
  deny(requestId: string, decidedBy: string): ApprovalRequestT {
    const pending = this.take(requestId);
    this.cooldowns.start(pending.request.client_id, pending.launcher);
    this.decided(pending, 'deny', { by: decidedBy, cooldown: formatDuration(this.limits.denyCooldownMs) });
    const denied = new DaemonError('DENIED', `a person denied client "${pending.request.client_id}" access to ${pending.request.secret_names.join(', ')}`, 'do not retry: ask the person what access you should have');
    pending.waiters.forEach((w) => w.reject(denied));
    // The same client and launcher asking about other secrets: denied with it.
    for (const other of [...this.pending.values()].filter((p) => p.request.client_id === pending.request.client_id && p.launcher === pending.launcher)) {
      this.take(other.request.request_id);
      this.decided(other, 'deny', { by: decidedBy, with_request: requestId });
      other.waiters.forEach((w) => w.reject(denied));
    }
    return pending.request;
  }

  private expire(pending: Pending): void {
    if (this.pending.get(pending.request.request_id) !== pending) return;
    this.pending.delete(pending.request.request_id);
    try {
      this.decided(pending, 'timeout');
    } catch (error) {
      // From a timer: a disk that refuses the audit entry must not end the daemon; the waiters are denied all the same.
      log.error('could not audit a timed-out approval request', { request_id: pending.request.request_id, error: error instanceof Error ? error.message : String(error) });
    }
    const timedOut = new DaemonError('DENIED', `nobody decided on request ${pending.request.request_id} within ${formatDuration(this.limits.timeoutMs)}`, 'ask the person to approve it (secrets requests), then lease again');
    pending.waiters.forEach((w) => w.reject(timedOut));
  }

  /**
   * The wall clock was set by `deltaMs` (clock-jumps.ts): each waiting request keeps the time it had
   * left (its timer runs by the monotonic clock), dated on the new clock, and is announced again so
   * the windows count down from it. Returns how many.
   */
  redateInTx(tx: Tx, deltaMs: number): number {
    const shift = (iso: string) => new Date(Date.parse(iso) + deltaMs).toISOString();
    for (const pending of this.pending.values()) {
      const request = { ...pending.request, created_at: shift(pending.request.created_at), expires_at: shift(pending.request.expires_at) };
      tx.emit('approval.requested', { request, reason: 'clock jumped' });
      tx.onCommit(() => (pending.request = request));
    }
    return this.pending.size;
  }

  /** After the machine slept (its timers stood still): times out the requests whose time has passed. */
  expireDue(): void {
    const now = this.clock.now();
    for (const pending of [...this.pending.values()].filter((p) => Date.parse(p.request.expires_at) <= now)) {
      this.clock.clearTimer(pending.timer);
      this.expire(pending);
    }
  }

  /** Denies every pending request at once (the killswitch); returns how many there were. */
  denyAll(why: string): number {
    const all = [...this.pending.values()];
    for (const pending of all) {
      this.take(pending.request.request_id);
      this.decided(pending, 'deny', { by: 'killswitch' });
      const denied = new DaemonError('KILLSWITCH_ENGAGED', why, 'the store owner runs: secrets killswitch --disengage');
      pending.waiters.forEach((w) => w.reject(denied));
    }
    return all.length;
  }

  /** The daemon is stopping: nobody will decide now. */
  close(): void {
    this.refusals.end();
    for (const pending of this.pending.values()) {
      this.clock.clearTimer(pending.timer);
      pending.waiters.forEach((w) => w.reject(new DaemonError('DENIED', 'the daemon stopped before anyone decided', 'lease again once it runs')));
    }
    this.pending.clear();
  }
}

/**
 * Passes when some matching grant allows this TTL.
 * @throws DaemonError DENIED naming the longest TTL the grants allow.
 */
function checkMaxTtl(grants: { max_ttl_ms: number | null }[], want: Want, ttlMs: number): void {
  if (grants.some((g) => g.max_ttl_ms === null || ttlMs <= g.max_ttl_ms)) return;
  const longest = formatDuration(Math.max(...grants.map((g) => g.max_ttl_ms!)));
  throw new DaemonError('DENIED', `client "${want.client_id}" may lease ${want.secret_name} for at most ${longest}`, `ask for less: --ttl ${longest}`);
}
