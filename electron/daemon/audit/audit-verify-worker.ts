/** Worker thread for verifyAuditChainParallel: checks one range of the chain on its own connection. */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { type WorkerJob, verifyRange } from './audit-verify.js';

const job = workerData as WorkerJob;
const db = new Database(job.dbPath, { readonly: true, fileMustExist: true });
try {
  parentPort!.postMessage(verifyRange(db, Buffer.from(job.key), job.fromId, job.toId, job.previousMac));
} finally {
  db.close();
}
