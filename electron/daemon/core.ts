/**
 * The daemon core: the store, leases and audit log wired together over one SQLite file. Transport-free
 * (the socket server and the Electron IPC adapter both drive it through dispatch) and free of
 * `electron`, so it runs under plain Node too.
 */
import { join } from 'node:path';
import { type ApprovalLimits, ApprovalBroker } from './approvals/approvals.js';
import { AuditLog } from './audit/audit.js';
import { deriveAuditKey } from './audit/audit-chain.js';
import { type VerifyResult, verifyAuditChainParallel } from './audit/audit-verify.js';
import { deleteBackups } from './store/backups.js';
import { Checkpointer } from './store/checkpointer.js';
import { systemClock } from './clock.js';
import { followClockMoves } from './clock-jumps.js';
import { type Config, parseConfig } from './config.js';
import { type Db, openDb } from './store/db.js';
import { createDeadManSwitch } from './dead-man.js';
import { EnvFiles } from './processes/env-files.js';
import { EventBus } from './events.js';
import { AgentProofAudit } from './server/agent-proof-audit.js';
import type { AgentSocketState } from './server/agent-socket.js';
import type { UnlockedIdentity } from './store/identity.js';
import { type GrantInput, GrantStore } from './approvals/grants.js';
import type { Heartbeat } from './killswitch/heartbeat.js';
import { Journal } from './audit/journal.js';
import { Killswitch } from './killswitch/killswitch.js';
import { type LeaseLimits, LeaseManager } from './leases/leases.js';
import { AdminConfirmations } from './auth/admin-confirmations.js';
import { AdminGate } from './auth/admin-gate.js';
import { FILES } from './store/paths.js';
import { Rotator } from './rotation/rotation.js';
import { SecretsStore } from './secrets/secrets-store.js';
import { SteadyClock } from './steady-clock.js';
import { SupervisedProcesses } from './processes/supervised.js';
import { ValueCipher } from './secrets/value-cipher.js';

export interface CoreOptions {
  dataDir: string;
  socketPath: string;
  config: Config;
  identity: UnlockedIdentity;
  /** Checks admin proofs; without one, the store has no passphrase and nothing needs proof. */
  adminGate?: AdminGate;
  /** The tray app runs this daemon: a terminal's admin command may be confirmed in its window. */
  confirmAdminInWindow?: boolean;
  /** The daemon's time (steady-clock.ts); tests build it over a fake clock. */
  clock?: SteadyClock;
  /** Started with --allow-unverified-callers (status warns about it). */
  allowUnverifiedCallers?: boolean;
}

export class Core {
  readonly db: Db;
  readonly events = new EventBus();
  readonly audit: AuditLog;
  readonly journal: Journal;
  readonly secrets: SecretsStore;
  readonly leases: LeaseManager;
  readonly grants: GrantStore;
  readonly approvals: ApprovalBroker;
  readonly supervised: SupervisedProcesses;
  readonly envFiles: EnvFiles;
  readonly killswitch: Killswitch;
  readonly rotator: Rotator;
  readonly heartbeat: Heartbeat | null;
  readonly clock: SteadyClock;
  readonly startedAt: number;
  readonly dbPath: string;
  private readonly auditKey: Buffer;
  private readonly cipher: ValueCipher;
  readonly checkpointer: Checkpointer;
  readonly adminGate: AdminGate;
  readonly adminConfirmations: AdminConfirmations;
  /** Admin proofs offered on the agent socket, audited a burst at a time. */
  readonly agentProofAudit: AgentProofAudit;
  /** The agent socket as daemon.ts opened it (null: none configured), for `status`. */
  agentSocket: AgentSocketState | null = null;
  /** The config in effect; config.set swaps it (applyConfig). */
  private current: Config;
  /** Read by the lease manager and the approval broker on every call, so config.set updates them in place. */
  private readonly leaseLimits: LeaseLimits;
  private readonly approvalLimits: ApprovalLimits;

  constructor(readonly options: CoreOptions) {
    this.clock = options.clock ?? new SteadyClock(systemClock);
    this.current = options.config;
    this.leaseLimits = leaseLimitsOf(options.config);
    this.approvalLimits = approvalLimitsOf(options.config);
    const now = () => this.clock.now();
    this.startedAt = now();
    this.adminGate = options.adminGate ?? new AdminGate({ passphrase: null, logN: 0, now });
    this.dbPath = join(options.dataDir, FILES.db);
    this.db = openDb(this.dbPath);
    this.checkpointer = new Checkpointer(this.db, this.dbPath);
    this.auditKey = deriveAuditKey(options.identity.identity);
    this.audit = new AuditLog(this.db, this.auditKey, now);
    this.journal = new Journal(this.db, this.audit, this.events, now, () => this.checkpointer.noteCommit());
    this.cipher = new ValueCipher(options.identity.identity, options.identity.recipient);
    this.secrets = new SecretsStore(this.db, this.journal, this.cipher, now);
    this.grants = new GrantStore(this.db, this.journal, this.clock, configuredGrants(options.config));
    this.approvals = new ApprovalBroker(this.db, this.grants, this.journal, this.clock, this.approvalLimits);
    this.supervised = new SupervisedProcesses(this.db, this.clock, options.config.killswitchGraceMs);
    this.envFiles = new EnvFiles(this.db, this.clock);
    this.leases = new LeaseManager(
      this.db,
      this.journal,
      this.secrets,
      this.leaseLimits,
      this.clock,
      () => this.killswitch.assertDisengaged(),
      (leaseId) => {
        this.supervised.terminateHolding(leaseId);
        this.envFiles.deleteHolding(leaseId);
      },
    );
    this.rotator = new Rotator(this.secrets, this.leases, this.journal, options.config.rotationTimeoutMs);
    this.killswitch = new Killswitch(
      this.db,
      this.journal,
      {
        leases: this.leases,
        approvals: this.approvals,
        supervised: this.supervised,
        envFiles: this.envFiles,
        cipher: this.cipher,
        rotator: this.rotator,
        deleteBackups: () => deleteBackups(options.dataDir),
      },
      this.clock,
    );
    this.adminConfirmations = new AdminConfirmations(options.confirmAdminInWindow === true, this.journal, this.clock, options.config.approvalTimeoutMs);
    this.agentProofAudit = new AgentProofAudit(this.journal, this.clock);
    this.heartbeat = createDeadManSwitch(this);
    followClockMoves(this.clock, this.journal, { leases: this.leases, approvals: this.approvals, grants: this.grants });
  }

  get config(): Config {
    return this.current;
  }

  /**
   * Puts a saved config into effect as far as it can be without a restart: TTLs, timeouts, the deny
   * cooldown, pending caps and the kill grace are read per call, so they change at once (a lease or
   * request already running keeps what it got). What was wired at start keeps its old value until the
   * next start: the heartbeat's timer, the approval policy and its config grants, the tray's shortcut,
   * the socket server's limits.
   */
  applyConfig(saved: Config): void {
    const { heartbeat, killswitch_shortcut, server } = this.current.file;
    const { policy, preapproved } = this.current.file.approvals;
    // Valid as a whole: each rule of config.ts relates keys that are all kept or all taken from `saved`.
    const next = parseConfig({ ...saved.file, heartbeat, killswitch_shortcut, server, approvals: { ...saved.file.approvals, policy, preapproved } });
    this.current = next;
    Object.assign(this.leaseLimits, leaseLimitsOf(next));
    Object.assign(this.approvalLimits, approvalLimitsOf(next));
    this.rotator.timeoutMs = next.rotationTimeoutMs;
    this.supervised.graceMs = next.killswitchGraceMs;
    this.adminConfirmations.timeoutMs = next.approvalTimeoutMs;
  }

  verifyAudit(): Promise<VerifyResult> {
    return verifyAuditChainParallel(this.db, this.dbPath, this.auditKey);
  }

  /** Starts the background work (watching the clock; the dead-man heartbeat, unless the killswitch is engaged). */
  start(): void {
    this.clock.start();
    if (!this.killswitch.state().engaged) this.heartbeat?.start();
  }

  /** Commits what is pending, stops the checkpoint worker, closes the database. */
  async close(): Promise<void> {
    this.clock.stop();
    this.heartbeat?.stop();
    this.approvals.close();
    this.adminConfirmations.close();
    this.agentProofAudit.endBurst();
    this.leases.stop();
    this.cipher.clear();
    await this.checkpointer.stop();
    this.db.close();
  }
}

function leaseLimitsOf(config: Config): LeaseLimits {
  return { defaultTtlMs: config.defaultLeaseTtlMs, maxTtlMs: config.maxLeaseTtlMs };
}

function approvalLimitsOf(config: Config): ApprovalLimits {
  const { max_pending, max_pending_per_launcher, max_pending_per_client } = config.file.approvals;
  return { timeoutMs: config.approvalTimeoutMs, denyCooldownMs: config.denyCooldownMs, maxPending: max_pending, maxPendingPerLauncher: max_pending_per_launcher, maxPendingPerClient: max_pending_per_client };
}

/** The pre-approved clients of config.json, when its policy is "preapproved". */
function configuredGrants(config: Config): GrantInput[] {
  const { policy, preapproved } = config.file.approvals;
  if (policy !== 'preapproved') return [];
  return preapproved.map((p) => ({ client_id: p.client_id, launcher: p.launcher ?? null, secrets: p.secrets ?? null, max_ttl_ms: null, expires_at: null, source: 'config' as const }));
}
