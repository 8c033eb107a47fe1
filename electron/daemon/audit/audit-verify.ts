/**
 * `audit verify`: walks the chain and names the first entry that does not check out (edited,
 * missing, out of order, or cut off the end). Large logs are split into ranges checked in parallel by
 * worker threads: each entry's MAC depends only on the stored MAC before it, so ranges are independent.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Db } from '../store/db.js';
import { GENESIS_MAC, entryMac, headMac } from './audit-chain.js';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  first_bad: { id: number; reason: string } | null;
}

export interface RangeResult {
  checked: number;
  bad: { id: number; reason: string } | null;
  lastMac: string;
}

/** Below this many entries a worker's start-up costs more than it saves. */
const PARALLEL_THRESHOLD = 200_000;

/**
 * Rows read per query: reading them in blocks of this many costs about two thirds of what stepping
 * through one query row by row does (one native call per block, not per row).
 */
const READ_BLOCK = 4096;

/** The rows fromId..toId in id order, read a block at a time. */
function* auditRows(db: Db, fromId: number, toId: number): Generator<[number, string, string]> {
  const block = db.prepare('SELECT id, entry, mac FROM audit WHERE id BETWEEN ? AND ? ORDER BY id').raw();
  for (let from = fromId; from <= toId; from += READ_BLOCK) {
    yield* block.all(from, Math.min(from + READ_BLOCK - 1, toId)) as [number, string, string][];
  }
}

/** Checks entries fromId..toId, the first of which must chain from `previousMac`. */
export function verifyRange(db: Db, key: Buffer, fromId: number, toId: number, previousMac: string): RangeResult {
  let expectedId = fromId;
  let lastMac = previousMac;
  for (const [id, entry, mac] of auditRows(db, fromId, toId)) {
    if (id !== expectedId) {
      return { checked: expectedId - fromId, bad: { id, reason: `entries ${expectedId}..${id - 1} are missing before entry ${id}` }, lastMac };
    }
    if (entryMac(key, lastMac, entry) !== mac) {
      return { checked: expectedId - fromId, bad: { id, reason: `entry ${id} does not match its MAC: it was edited, moved, or an entry before it was removed` }, lastMac };
    }
    lastMac = mac;
    expectedId++;
  }
  if (expectedId <= toId) {
    return { checked: expectedId - fromId, bad: { id: expectedId, reason: `entries ${expectedId}..${toId} are missing from the end of the log` }, lastMac };
  }
  return { checked: expectedId - fromId, bad: null, lastMac };
}

interface ChainEnd {
  /** The newest id the head record vouches for (or, without one, the newest row). */
  lastId: number;
  head: { lastId: number; mac: string } | undefined;
  newestRow: number;
}

/** Read once, before checking, so entries appended meanwhile are neither checked nor missed. */
function readChainEnd(db: Db): ChainEnd {
  const head = db.prepare('SELECT last_id AS lastId, mac FROM audit_head WHERE one = 1').get() as ChainEnd['head'];
  const newestRow = (db.prepare('SELECT MAX(id) FROM audit').pluck().get() as number | null) ?? 0;
  return { lastId: head?.lastId ?? newestRow, head, newestRow };
}

function conclude(key: Buffer, end: ChainEnd, result: RangeResult): VerifyResult {
  const bad = (id: number, reason: string): VerifyResult => ({ ok: false, checked: result.checked, first_bad: { id, reason } });
  if (result.bad) return bad(result.bad.id, result.bad.reason);
  if (end.head === undefined) {
    return end.lastId === 0 ? { ok: true, checked: 0, first_bad: null } : bad(end.lastId, 'the chain head record is missing');
  }
  if (end.newestRow > end.head.lastId) {
    return bad(end.head.lastId + 1, `entries after ${end.head.lastId} were added outside the daemon`);
  }
  if (headMac(key, end.head.lastId, result.lastMac) !== end.head.mac) {
    return bad(end.head.lastId, 'the chain head record does not match the newest entry');
  }
  return { ok: true, checked: result.checked, first_bad: null };
}

export function verifyAuditChain(db: Db, key: Buffer): VerifyResult {
  const end = readChainEnd(db);
  return conclude(key, end, verifyRange(db, key, 1, end.lastId, GENESIS_MAC));
}

/** Where the worker lives: next to the daemon bundle, or as TypeScript when run from source. */
declare const __BUNDLED__: boolean | undefined;
const BUNDLED = typeof __BUNDLED__ !== 'undefined' && __BUNDLED__;
const WORKER_URL = new URL(BUNDLED ? './audit-verify-worker.mjs' : './audit-verify-worker.ts', import.meta.url);
/** From source (tests), the worker first registers the TypeScript loader, then loads its module. */
const SOURCE_BOOTSTRAP = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;

export interface WorkerJob {
  dbPath: string;
  key: Uint8Array;
  fromId: number;
  toId: number;
  previousMac: string;
}

function runWorker(job: WorkerJob): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const worker = BUNDLED ? new Worker(WORKER_URL, { workerData: job }) : new Worker(SOURCE_BOOTSTRAP, { eval: true, workerData: job });
    worker.once('message', (result: RangeResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`audit verify worker exited with ${code}`)));
  });
}

/** Like verifyAuditChain, with the work spread over the machine's cores when the log is large. */
export async function verifyAuditChainParallel(
  db: Db,
  dbPath: string,
  key: Buffer,
  { threads = availableParallelism(), threshold = PARALLEL_THRESHOLD } = {},
): Promise<VerifyResult> {
  const end = readChainEnd(db);
  if (end.lastId < threshold || threads < 2) return conclude(key, end, verifyRange(db, key, 1, end.lastId, GENESIS_MAC));
  const size = Math.ceil(end.lastId / threads);
  const macBefore = db.prepare('SELECT mac FROM audit WHERE id = ?').pluck();
  const jobs: WorkerJob[] = [];
  for (let fromId = 1; fromId <= end.lastId; fromId += size) {
    // A missing row before a range is reported by the range that should hold it.
    const previousMac = fromId === 1 ? GENESIS_MAC : ((macBefore.get(fromId - 1) as string | undefined) ?? GENESIS_MAC);
    jobs.push({ dbPath, key, fromId, toId: Math.min(fromId + size - 1, end.lastId), previousMac });
  }
  const results = await Promise.all(jobs.map(runWorker));
  let checked = 0;
  for (const result of results) {
    checked += result.checked;
    if (result.bad) return conclude(key, end, { ...result, checked });
  }
  return conclude(key, end, { checked, bad: null, lastMac: results.at(-1)!.lastMac });
}
