/**
 * What the daemon ACKNOWLEDGED to its clients during a crash loop, and what was still in flight when
 * it died. After a kill, an acknowledged write must be there exactly; a write in flight may or may
 * not have applied (both are allowed, nothing else is); an acknowledged lease must be active or
 * closed with an audit entry; an acknowledged revocation must not be active.
 */

/** Every value sent to the daemon holds this, so one search of the data dir finds any of them in plaintext. */
export const VALUE_MARKER = 'crashloopvalue-';

export type WriteKind = 'add' | 'set' | 'rotate';
export type OpKind = WriteKind | 'lease' | 'cliLease' | 'askLease' | 'renew' | 'revoke' | 'adminRevoke';

export interface SecretRecord {
  name: string;
  /** The one worker that writes it, so its writes are ordered and at most one is in flight. */
  owner: number;
  /** Added with a rotation hook (`cat` of `hookFile`). */
  hookFile: string | null;
  /** The value last acknowledged; null while it has never been added (as far as anyone was told). */
  acked: string | null;
  /** A write sent and not answered when the process died: it may or may not have applied. */
  inFlight: { kind: WriteKind; value: string } | null;
  /** Every value ever sent for it: what a lease during the storm may return. */
  sent: Set<string>;
}

export interface LeaseRecord {
  lease_id: string;
  secret_name: string;
  client_id: string;
  /** Taken over the test's own socket connection (so the test is its holder and may renew or revoke it). */
  held: boolean;
  /** An acknowledged revocation: it must never be active again. */
  revoked: boolean;
}

const RECENT_HELD = 40;

export class Ledger {
  readonly secrets = new Map<string, SecretRecord>();
  readonly leases = new Map<string, LeaseRecord>();
  /** The newest leases the test holds, for renewing and revoking (older ones are left to expire). */
  private recentHeld: LeaseRecord[] = [];
  /** Grants an acknowledged approval created: they must survive the restart. */
  readonly grants = new Set<string>();
  /** Acknowledged operations, by kind, over the whole run. */
  readonly acked = new Map<OpKind | 'approve' | 'deny', number>();
  /** Acknowledged value changes of this cycle, per secret: each needs its audit entry. */
  cycleWrites = new Map<string, number>();
  /** Errors the daemon answered with while it was alive that no correct run produces. */
  readonly unexpected: string[] = [];

  count(kind: OpKind | 'approve' | 'deny'): void {
    this.acked.set(kind, (this.acked.get(kind) ?? 0) + 1);
  }

  totalAcked(): number {
    return [...this.acked.values()].reduce((a, b) => a + b, 0);
  }

  declare(name: string, owner: number, hookFile: string | null): SecretRecord {
    const record: SecretRecord = { name, owner, hookFile, acked: null, inFlight: null, sent: new Set() };
    this.secrets.set(name, record);
    return record;
  }

  beginWrite(record: SecretRecord, kind: WriteKind, value: string): void {
    record.inFlight = { kind, value };
    record.sent.add(value);
  }

  ackWrite(record: SecretRecord): void {
    const write = record.inFlight!;
    record.acked = write.value;
    record.inFlight = null;
    this.cycleWrites.set(record.name, (this.cycleWrites.get(record.name) ?? 0) + 1);
    this.count(write.kind);
  }

  /** The daemon answered with an error: nothing was applied. */
  refuseWrite(record: SecretRecord): void {
    record.inFlight = null;
  }

  /** What the store may hold for the secret after a kill (null: absent). */
  allowed(record: SecretRecord): (string | null)[] {
    return record.inFlight ? [record.acked, record.inFlight.value] : [record.acked];
  }

  /** After a kill, what the store holds settles the write that was in flight. */
  settle(record: SecretRecord, found: string | null): void {
    record.acked = found;
    record.inFlight = null;
  }

  /** Secrets whose value every client was told about. */
  present(): SecretRecord[] {
    return [...this.secrets.values()].filter((s) => s.acked !== null);
  }

  addLease(lease: LeaseRecord): void {
    this.leases.set(lease.lease_id, lease);
    if (lease.held) this.recentHeld = [...this.recentHeld.slice(-(RECENT_HELD - 1)), lease];
  }

  liveHeldLeases(): LeaseRecord[] {
    return this.recentHeld.filter((l) => !l.revoked);
  }

  newCycle(): void {
    this.cycleWrites = new Map();
  }
}
