/**
 * WAL checkpoints off the event loop. A checkpoint copies pages back into the database file and
 * fsyncs it (several ms on an ordinary disk); run by SQLite's auto-checkpoint it stalls every client
 * of the daemon each time. Here a worker thread with its own connection runs PASSIVE checkpoints
 * (which never block writers) and the daemon's connection turns auto-checkpoint off. If the worker
 * dies, auto-checkpoint comes back on the main connection.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';
import { createLogger } from './logger.js';

const log = createLogger('checkpoint');

/** SQLite's default auto-checkpoint threshold (pages), for the fallback. */
const AUTO_CHECKPOINT_PAGES = 1000;
const INTERVAL_MS = 100;

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

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(db: Db, path: string): Checkpointer {
  db.pragma('wal_autocheckpoint = 0');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs: INTERVAL_MS }, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1, stackSizeMb: 1 } });
  worker.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = (reason: string) => {
    if (stopping) return;
    log.warn('the checkpoint worker stopped; checkpointing on the main thread instead', { reason });
    db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  worker.once('error', (error) => fallBack(error.message));
  worker.once('exit', (code) => fallBack(`exit ${code}`));
  return {
    async stop() {
      stopping = true;
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
