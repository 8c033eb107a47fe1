/**
 * Grants: a client's standing permission to lease, bound to its client id and launcher (null: any
 * launcher), to some secrets or all, until a time or until revoked. Approved by a person, made with
 * `clients allow`, or listed in config.json for machines with nobody present.
 */
import { randomBytes } from 'node:crypto';
import { DaemonError } from '../../../shared/errors.js';
import { formatDuration, parseDuration } from '../../../shared/durations.js';
import type { ClientGrantT } from '../../../shared/protocol.js';
import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';
import type { Journal, Tx } from '../audit/journal.js';
import { isOtherUserKey } from '../callers/launcher.js';

export type GrantSource = ClientGrantT['source'];

export interface GrantInput {
  client_id: string;
  launcher: string | null;
  secrets: string[] | null;
  max_ttl_ms: number | null;
  expires_at: number | null;
  source: GrantSource;
}

interface GrantRow extends GrantInput {
  grant_id: string;
  created_at: number;
  revoked_at: number | null;
}

interface StoredRow extends Omit<GrantRow, 'secrets'> {
  secrets: string | null;
}

export interface Want {
  client_id: string;
  launcher: string;
  secret_name: string;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3_600_000;
const FOREVER = new Set(['forever', 'until-revoked']);

/**
 * When a grant given `--for TEXT` ends: null for "forever" (until revoked), else now + the duration.
 * @throws DaemonError INVALID_DURATION
 */
export function grantExpiry(forText: string, now: number): number | null {
  return FOREVER.has(forText) ? null : now + parseDuration(forText, '--for', TEN_YEARS_MS);
}

/** A grant's optional cap on lease TTLs. @throws DaemonError INVALID_DURATION */
export function grantMaxTtl(maxTtl: string | undefined): number | null {
  return maxTtl === undefined ? null : parseDuration(maxTtl, '--max-ttl', TEN_YEARS_MS);
}

/**
 * A grant for one launcher covers exactly it; a grant for any launcher covers any launcher of the
 * person's own user, never an agent user's or a container's: those were not what the person had in
 * mind when they allowed "any launcher", so each is asked about on its own.
 */
function launcherCovered(granted: string | null, wanted: string): boolean {
  return granted === null ? !isOtherUserKey(wanted) : granted === wanted;
}

function newGrantId(): string {
  return `G-${randomBytes(8).toString('hex')}`;
}

export class GrantStore {
  private readonly byClient;

  constructor(
    private readonly db: Db,
    private readonly journal: Journal,
    private readonly clock: Clock,
    /** Grants from config.json (policy "preapproved"): in memory, never revoked by `forget`. */
    private readonly configured: GrantInput[] = [],
  ) {
    this.byClient = db.prepare('SELECT * FROM grants WHERE client_id = ? AND revoked_at IS NULL');
  }

  private active(row: GrantRow, now: number): boolean {
    return row.revoked_at === null && (row.expires_at === null || row.expires_at > now);
  }

  /** Grants by client, read once and dropped on every change: every lease asks. */
  private readonly cache = new Map<string, GrantRow[]>();

  private rowsFor(clientId: string): GrantRow[] {
    const cached = this.cache.get(clientId);
    if (cached) return cached;
    const rows = this.readRows(clientId);
    this.cache.set(clientId, rows);
    return rows;
  }

  private readRows(clientId: string): GrantRow[] {
    const stored = (this.byClient.all(clientId) as StoredRow[]).map((r) => ({ ...r, secrets: r.secrets === null ? null : (JSON.parse(r.secrets) as string[]) }));
    const fromConfig = this.configured
      .filter((g) => g.client_id === clientId)
      .map((g, i) => ({ ...g, grant_id: `G-config-${i}`, created_at: 0, revoked_at: null }));
    return [...stored, ...fromConfig];
  }

  /** Every active grant that covers this client, launcher and secret (any TTL). */
  matching(want: Want): GrantRow[] {
    const now = this.clock.now();
    return this.rowsFor(want.client_id).filter(
      (g) => this.active(g, now) && launcherCovered(g.launcher, want.launcher) && (g.secrets === null || g.secrets.includes(want.secret_name)),
    );
  }

  /** Launchers this client id holds active grants for (to tell a person why a request differs). */
  knownLaunchers(clientId: string): (string | null)[] {
    const now = this.clock.now();
    return [...new Set(this.rowsFor(clientId).filter((g) => this.active(g, now)).map((g) => g.launcher))];
  }

  addInTx(tx: Tx, input: GrantInput): ClientGrantT {
    this.cache.delete(input.client_id);
    const row: GrantRow = { ...input, grant_id: newGrantId(), created_at: this.clock.now(), revoked_at: null };
    this.db
      .prepare('INSERT INTO grants (grant_id, client_id, launcher, secrets, max_ttl_ms, created_at, expires_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(row.grant_id, row.client_id, row.launcher, row.secrets === null ? null : JSON.stringify(row.secrets), row.max_ttl_ms, row.created_at, row.expires_at, row.source);
    const grant = this.toPublic(row, this.clock.now());
    tx.audit({ action: 'client.allowed', client_id: row.client_id, detail: { grant_id: row.grant_id, launcher: row.launcher, secrets: row.secrets, expires_at: grant.expires_at, max_ttl: grant.max_ttl, source: row.source } });
    tx.emit('client.changed', { client_id: row.client_id, change: 'allowed', grant });
    return grant;
  }

  /**
   * The wall clock was set by `deltaMs` (clock-jumps.ts): every stored grant with an end keeps the
   * time it had left, expired ones included (set back, an expired grant would otherwise come back to
   * life). Returns how many grants moved.
   */
  redateInTx(tx: Tx, deltaMs: number): number {
    const moved = this.db.prepare('UPDATE grants SET expires_at = expires_at + ? WHERE revoked_at IS NULL AND expires_at IS NOT NULL').run(deltaMs).changes;
    this.cache.clear();
    if (moved > 0) tx.emit('client.changed', { change: 'redated', reason: 'clock jumped' });
    return moved;
  }

  add(input: GrantInput): ClientGrantT {
    return this.journal.run((tx) => this.addInTx(tx, input));
  }

  /** Revokes every stored grant of the client; returns how many. The caller revokes its leases in `tx`. */
  forgetInTx(tx: Tx, clientId: string): number {
    this.cache.delete(clientId);
    const revoked = this.db.prepare('UPDATE grants SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL').run(this.clock.now(), clientId).changes;
    tx.audit({ action: 'client.forgotten', client_id: clientId, detail: { revoked_grants: revoked } });
    tx.emit('client.changed', { client_id: clientId, change: 'forgotten' });
    return revoked;
  }

  /**
   * Revokes one stored grant. The caller revokes the leases it covered in `tx`.
   * @throws DaemonError GRANT_NOT_FOUND for an unknown, already revoked or config.json grant.
   */
  revokeInTx(tx: Tx, grantId: string): ClientGrantT {
    const row = this.db.prepare('SELECT * FROM grants WHERE grant_id = ? AND revoked_at IS NULL').get(grantId) as StoredRow | undefined;
    if (!row) throw new DaemonError('GRANT_NOT_FOUND', `no active grant ${grantId}`, 'list grants with: secrets clients (grants from config.json are changed there)');
    this.cache.delete(row.client_id);
    this.db.prepare('UPDATE grants SET revoked_at = ? WHERE grant_id = ?').run(this.clock.now(), grantId);
    const grant = this.get(grantId);
    tx.audit({ action: 'client.grant_revoked', client_id: row.client_id, detail: { grant_id: grantId, launcher: row.launcher } });
    tx.emit('client.changed', { client_id: row.client_id, change: 'grant_revoked', grant });
    return grant;
  }

  /** A stored grant as the protocol shows it. @throws DaemonError GRANT_NOT_FOUND */
  get(grantId: string): ClientGrantT {
    const row = this.db.prepare('SELECT * FROM grants WHERE grant_id = ?').get(grantId) as StoredRow | undefined;
    if (!row) throw new DaemonError('GRANT_NOT_FOUND', `no grant ${grantId}`, 'list grants with: secrets clients');
    return this.toPublic({ ...row, secrets: row.secrets === null ? null : (JSON.parse(row.secrets) as string[]) }, this.clock.now());
  }

  list(): ClientGrantT[] {
    const now = this.clock.now();
    const clients = this.db.prepare('SELECT DISTINCT client_id FROM grants WHERE revoked_at IS NULL').pluck().all() as string[];
    const all = new Set([...clients, ...this.configured.map((g) => g.client_id)]);
    return [...all].sort().flatMap((client) => this.rowsFor(client).map((row) => this.toPublic(row, now)));
  }

  private toPublic(row: GrantRow, now: number): ClientGrantT {
    return {
      grant_id: row.grant_id,
      client_id: row.client_id,
      launcher: row.launcher,
      secrets: row.secrets,
      max_ttl: row.max_ttl_ms === null ? null : formatDuration(row.max_ttl_ms),
      created_at: new Date(row.created_at).toISOString(),
      expires_at: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
      source: row.source,
      active: this.active(row, now),
    };
  }
}
