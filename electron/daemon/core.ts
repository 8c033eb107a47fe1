/**
 * The daemon core: the store, leases and audit log wired together over one SQLite file. Transport-free
 * (the socket server and the Electron IPC adapter both drive it through dispatch) and free of
 * `electron`, so it runs under plain Node too.
 */
import { join } from 'node:path';
import { AuditLog } from './audit.js';
import { deriveAuditKey } from './audit-chain.js';
import { type VerifyResult, verifyAuditChainParallel } from './audit-verify.js';
import { Checkpointer } from './checkpointer.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { type Db, openDb } from './db.js';
import { EventBus } from './events.js';
import type { UnlockedIdentity } from './identity.js';
import { Journal } from './journal.js';
import { LeaseManager } from './leases.js';
import { type PassphraseVerifier } from './passphrase-verifier.js';
import { FILES } from './paths.js';
import { SecretsStore } from './secrets-store.js';
import { ValueCipher } from './value-cipher.js';

export interface CoreOptions {
  dataDir: string;
  socketPath: string;
  config: Config;
  identity: UnlockedIdentity;
  /** Present when the store is passphrase-protected: admin requests are checked against it. */
  passphraseVerifier: PassphraseVerifier | null;
  clock?: Clock;
}

export class Core {
  readonly db: Db;
  readonly events = new EventBus();
  readonly audit: AuditLog;
  readonly journal: Journal;
  readonly secrets: SecretsStore;
  readonly leases: LeaseManager;
  readonly clock: Clock;
  readonly startedAt: number;
  readonly dbPath: string;
  private readonly auditKey: Buffer;
  private readonly cipher: ValueCipher;
  readonly checkpointer: Checkpointer;

  constructor(readonly options: CoreOptions) {
    this.clock = options.clock ?? systemClock;
    const now = () => this.clock.now();
    this.startedAt = now();
    this.dbPath = join(options.dataDir, FILES.db);
    this.db = openDb(this.dbPath);
    this.checkpointer = new Checkpointer(this.db, this.dbPath);
    this.auditKey = deriveAuditKey(options.identity.identity);
    this.audit = new AuditLog(this.db, this.auditKey, now);
    this.journal = new Journal(this.db, this.audit, this.events, now, () => this.checkpointer.noteCommit());
    this.cipher = new ValueCipher(options.identity.identity, options.identity.recipient);
    this.secrets = new SecretsStore(this.db, this.journal, this.cipher, now);
    this.leases = new LeaseManager(
      this.db,
      this.journal,
      this.secrets,
      { defaultTtlMs: options.config.defaultLeaseTtlMs, maxTtlMs: options.config.maxLeaseTtlMs },
      this.clock,
    );
  }

  get config(): Config {
    return this.options.config;
  }

  verifyAudit(): Promise<VerifyResult> {
    return verifyAuditChainParallel(this.db, this.dbPath, this.auditKey);
  }

  /** Commits what is pending, stops the checkpoint worker, closes the database. */
  async close(): Promise<void> {
    this.leases.stop();
    this.cipher.clear();
    await this.checkpointer.stop();
    this.db.close();
  }
}
