/**
 * WAL checkpoints off the event loop while the daemon is busy. A checkpoint copies pages back into
 * the database file and fsyncs it; run by SQLite's auto-checkpoint under load it stalls every client
 * for several ms at a time. So while commits come fast, a worker thread with its own connection runs
 * PASSIVE checkpoints (which never block writers) and the daemon's connection stops checkpointing.
 * When the load is gone the worker exits (a thread costs ~7 MB) and auto-checkpoint comes back.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';
import { createLogger } from '../logger.js';

const log = createLogger('checkpoint');

/** SQLite's default auto-checkpoint threshold (pages). */
const AUTO_CHECKPOINT_PAGES = 1000;
const WORKER_INTERVAL_MS = 100;

export interface CheckpointPolicy {
  /** Commits within one second that make the daemon "busy". */
  busyCommitsPerSecond: number;
  /** How long without a commit before the worker is stopped. */
  idleStopMs: number;
}

const DEFAULT_POLICY: CheckpointPolicy = { busyCommitsPerSecond: 100, idleStopMs: 10_000 };

// Plain CommonJS evaluated in the worker: no second bundle to build and locate at run time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class Checkpointer {
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private windowStart = 0;
  private commitsInWindow = 0;
  private lastCommit = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly path: string,
    private readonly policy: CheckpointPolicy = DEFAULT_POLICY,
    private readonly now: () => number = Date.now,
  ) {
    db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  }

  get running(): boolean {
    return this.worker !== null;
  }

  /** Called after every commit; starts the worker when commits come fast. */
  noteCommit(): void {
    const now = this.now();
    this.lastCommit = now;
    if (this.worker) return;
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.commitsInWindow = 0;
    }
    if (++this.commitsInWindow >= this.policy.busyCommitsPerSecond) this.startWorker();
  }

  async stop(): Promise<void> {
    await this.stopWorker();
  }

  private startWorker(): void {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: this.path, intervalMs: WORKER_INTERVAL_MS } });
    worker.unref();
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    this.db.pragma('wal_autocheckpoint = 0');
    worker.once('error', (error) => this.lost(worker, error.message));
    worker.once('exit', (code) => this.lost(worker, `exit ${code}`));
    this.idleTimer = setInterval(() => {
      if (this.now() - this.lastCommit >= this.policy.idleStopMs) void this.stopWorker();
    }, this.policy.idleStopMs);
    this.idleTimer.unref();
    log.debug('busy: checkpointing on a worker thread');
  }

  private lost(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    log.warn('the checkpoint worker stopped; checkpointing on the main thread again', { reason });
    this.detach();
  }

  private detach(): void {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    this.worker = null;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.detach();
    worker.ref();
    worker.postMessage('stop');
    await this.exited;
  }
}
