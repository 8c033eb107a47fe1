/**
 * The killswitch: an incident-response tool. Engaging revokes every lease, denies every pending
 * request and locks the store in one transaction, then terminates every supervised process group and
 * deletes every env file the daemon wrote; `wipe` also destroys every secret value. The lock is in
 * SQLite, so a restart or a crash never quietly unlocks; only an admin disengages.
 */
import { DaemonError } from '../../../shared/errors.js';
import type { ApprovalBroker } from '../approvals/approvals.js';
import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';
import type { EnvFiles } from '../processes/env-files.js';
import type { Journal } from '../audit/journal.js';
import type { LeaseManager } from '../leases/leases.js';
import type { Rotator } from '../rotation/rotation.js';
import type { SupervisedProcesses } from '../processes/supervised.js';
import type { ValueCipher } from '../secrets/value-cipher.js';

export interface KillswitchState {
  engaged: boolean;
  changed_at: string | null;
  reason: string | null;
}

export interface EngageOptions {
  reason?: string;
  /** false: lock without revoking the active leases (a heartbeat fail action). Default true. */
  revoke?: boolean;
  wipe?: boolean;
  rotate?: boolean;
}

export interface EngageReport {
  /** Rotation hooks run after the lock, in the background: engaging does not wait for them. */
  rotations_started: number;
  revoked_leases: number;
  denied_requests: number;
  terminated_process_groups: number;
  deleted_env_files: number;
  wiped_secrets: number;
}

export class Killswitch {
  constructor(
    private readonly db: Db,
    private readonly journal: Journal,
    private readonly parts: {
      leases: LeaseManager;
      approvals: ApprovalBroker;
      supervised: SupervisedProcesses;
      envFiles: EnvFiles;
      cipher: ValueCipher;
      rotator: Rotator;
      /** Deletes the encrypted backups `secrets scan --import` kept (they hold values a wipe destroys). */
      deleteBackups: () => number;
    },
    private readonly clock: Clock,
  ) {
    this.current = this.load();
  }

  /** Read once at start, then kept in step by engage/disengage: every lease checks it. */
  private current: KillswitchState;


  private load(): KillswitchState {
    const row = this.db.prepare('SELECT engaged, changed_at, reason FROM killswitch WHERE one = 1').get() as { engaged: number; changed_at: number; reason: string | null } | undefined;
    if (!row) return { engaged: false, changed_at: null, reason: null };
    return { engaged: row.engaged === 1, changed_at: new Date(row.changed_at).toISOString(), reason: row.reason };
  }

  state(): KillswitchState {
    return this.current;
  }

  /** @throws DaemonError KILLSWITCH_ENGAGED (exit 5) while engaged. */
  assertDisengaged(): void {
    if (this.current.engaged) {
      throw new DaemonError('KILLSWITCH_ENGAGED', 'the killswitch is engaged: no secret is leased until a person disengages it', 'the store owner runs: secrets killswitch --disengage');
    }
  }

  engage(options: EngageOptions, by: { client_id?: string | null; pid: number | null }): EngageReport {
    const { leases, approvals, supervised, envFiles, cipher, rotator } = this.parts;
    const reason = options.reason ?? 'killswitch';
    // Everything below is synchronous, so no request runs in between: from the caller's view it is
    // one step. Process groups and env files first, so the revocations find none left to handle twice.
    const terminated = supervised.terminateAll();
    const deleted = envFiles.deleteAll();
    // Lock and revoke atomically: from this commit on no lease is granted and none is active.
    const revoked = this.journal.run((tx) => {
      this.db.prepare('INSERT INTO killswitch (one, engaged, changed_at, reason) VALUES (1, 1, ?, ?) ON CONFLICT (one) DO UPDATE SET engaged = 1, changed_at = excluded.changed_at, reason = excluded.reason').run(this.clock.now(), reason);
      return options.revoke === false ? 0 : leases.revokeInTx(tx, { all: true }, `killswitch: ${reason}`).length;
    });
    this.current = this.load();
    // Wiping destroys the values rotation would replace: with both, wipe wins.
    const rotating = options.rotate === true && !options.wipe ? rotator.withHooks() : [];
    const report: EngageReport = {
      rotations_started: rotating.length,
      revoked_leases: revoked,
      denied_requests: approvals.denyAll('the killswitch was engaged'),
      terminated_process_groups: terminated,
      deleted_env_files: deleted,
      wiped_secrets: options.wipe ? this.wipe() : 0,
    };
    const deletedBackups = options.wipe ? this.parts.deleteBackups() : 0;
    cipher.clear();
    this.journal.run((tx) => {
      tx.audit({ action: 'killswitch.engaged', client_id: by.client_id ?? null, pid: by.pid, detail: { reason, wipe: options.wipe === true, ...report, ...(options.wipe ? { deleted_backups: deletedBackups } : {}) } });
      tx.emit('killswitch.engaged', { reason, ...report });
    });
    if (rotating.length > 0) void rotator.rotateAll(rotating);
    return report;
  }

  /** Deletes every ciphertext, then rewrites the file so no freed page or WAL frame keeps one. */
  private wipe(): number {
    const wiped = this.db.prepare('DELETE FROM secrets').run().changes;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.exec('VACUUM');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return wiped;
  }

  disengage(by: string): KillswitchState {
    this.journal.run((tx) => {
      this.db.prepare('INSERT INTO killswitch (one, engaged, changed_at, reason) VALUES (1, 0, ?, NULL) ON CONFLICT (one) DO UPDATE SET engaged = 0, changed_at = excluded.changed_at, reason = NULL').run(this.clock.now());
      tx.audit({ action: 'killswitch.disengaged', detail: { by } });
      tx.emit('killswitch.disengaged', { by });
    });
    this.current = this.load();
    return this.current;
  }
}
