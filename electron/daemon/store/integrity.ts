/**
 * Is state.db (and its WAL) sound enough to open for writing? Checked before the daemon's own
 * connection opens it, because that connection may replay the WAL, checkpoint it into the database or
 * delete it, and every write may reuse a damaged page: damage found afterwards would be damage
 * written over. The check only reads (a read-only connection never checkpoints or deletes the WAL),
 * so a refused store is left byte for byte as it was, for whoever restores or examines it.
 *
 * Cost: the file headers, then SQLite's `quick_check` of every table but the two that grow without
 * bound (leases, audit: ~3 ms per MiB, 300 ms for 100,000 of each), which are checked too while
 * state.db is under 8 MiB. Damage in a big store's leases or audit pages surfaces when a request reads
 * them, as that request's STORE_CORRUPT error.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonError } from '../../../shared/errors.js';
import { FILES } from './paths.js';

const FULL_CHECK_MAX_BYTES = 8 * 1024 * 1024;
const GROWING_TABLES = new Set(['leases', 'audit']);
const SQLITE_MAGIC = 'SQLite format 3\0';
const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;
const WAL_HEADER_BYTES = 32;

/** @throws DaemonError STORE_CORRUPT naming the file and what is wrong with it. */
export function checkStoreFiles(dataDir: string): void {
  const dbPath = join(dataDir, FILES.db);
  if (!existsSync(dbPath)) {
    // `secrets init` writes both: an identity alone means state.db was moved or deleted since. Starting
    // would create an empty one, and the person would see every secret gone and a new audit chain.
    if (existsSync(join(dataDir, FILES.identityAge)) || existsSync(join(dataDir, FILES.identityKey))) throw missing(dbPath);
    return;
  }
  const pageSize = checkDbHeader(dbPath);
  checkWalHeader(`${dbPath}-wal`, pageSize);
  const problem = quickCheck(dbPath);
  if (problem !== null) throw damaged(dbPath, `SQLite's check found: ${problem}`);
}

function damaged(path: string, what: string): DaemonError {
  return new DaemonError(
    'STORE_CORRUPT',
    `${path} is damaged: ${what}; the daemon did not start and changed nothing`,
    `keep the data dir as it is (it is the evidence) and restore ${path.split('/').pop()} from a backup of the data dir (with its -wal file, if it has one)`,
  );
}

function missing(path: string): DaemonError {
  return new DaemonError(
    'STORE_CORRUPT',
    `${path} is missing beside the store's identity: the secrets, leases and audit log are in it; the daemon did not start and created nothing`,
    `restore ${path.split('/').pop()} from a backup of the data dir (with its -wal file, if it has one); to start over with an empty store instead, move the data dir away and run secrets init`,
  );
}

function readHead(path: string, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

/** The database header (https://sqlite.org/fileformat2.html#the_database_header); returns the page size. */
function checkDbHeader(path: string): number {
  const size = statSync(path).size;
  if (size === 0) throw damaged(path, 'the file is empty (0 bytes)');
  const header = readHead(path, 100);
  if (header.length < 100 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) throw damaged(path, 'it is not an SQLite database (its header is missing or overwritten)');
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw damaged(path, `its header names an impossible page size (${raw})`);
  if (size % pageSize !== 0) throw damaged(path, `it is cut short (${size} bytes is not a whole number of ${pageSize}-byte pages)`);
  // The page count in the header is valid when written by the same change as the header's counter.
  const pages = header.readUInt32BE(28);
  if (header.readUInt32BE(92) === header.readUInt32BE(24) && pages * pageSize > size) {
    throw damaged(path, `it is cut short (${size / pageSize} of its ${pages} pages are there)`);
  }
  return pageSize;
}

/**
 * A WAL whose header is not a WAL header would be ignored by SQLite and then written over, with any
 * changes it held. (A torn last frame is normal after a crash: SQLite drops it, as it should.)
 */
function checkWalHeader(path: string, pageSize: number): void {
  if (!existsSync(path) || statSync(path).size === 0) return;
  const header = readHead(path, WAL_HEADER_BYTES);
  const magic = header.length === WAL_HEADER_BYTES ? header.readUInt32BE(0) : 0;
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) throw damaged(path, 'it is not an SQLite write-ahead log (its header is missing or overwritten)');
  const [sum0, sum1] = walChecksum(header.subarray(0, 24), magic === WAL_MAGIC_BE);
  if (sum0 !== header.readUInt32BE(24) || sum1 !== header.readUInt32BE(28)) throw damaged(path, 'its header checksum does not match (the header was overwritten)');
  if (header.readUInt32BE(8) !== pageSize) throw damaged(path, `its page size (${header.readUInt32BE(8)}) is not the database's (${pageSize})`);
}

/** SQLite's WAL checksum over 32-bit words in the byte order the magic names. */
function walChecksum(bytes: Buffer, bigEndian: boolean): [number, number] {
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i < bytes.length; i += 8) {
    const x0 = bigEndian ? bytes.readUInt32BE(i) : bytes.readUInt32LE(i);
    const x1 = bigEndian ? bytes.readUInt32BE(i + 4) : bytes.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

/** SQLite's own check, read-only; the first problem it reports, or null. */
function quickCheck(path: string): string | null {
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const full = statSync(path).size <= FULL_CHECK_MAX_BYTES;
    const tables = full ? [null] : (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[]).filter((t) => !GROWING_TABLES.has(t));
    for (const table of tables) {
      const pragma = table === null ? 'quick_check(1)' : `quick_check("${table.replace(/"/g, '""')}")`;
      const first = db.pragma(pragma, { simple: true });
      // "*** in database main ***\nTree 4 page 4: …": one line, without the banner.
      if (first !== 'ok') return String(first).replace(/^\*\*\* in database \w+ \*\*\*\n/, '').replace(/\n/g, '; ');
    }
    return null;
  } catch (error) {
    // Damage bad enough that SQLite cannot even read the schema; anything else is not about the file.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) return (error as Error).message;
    throw error;
  } finally {
    db?.close();
  }
}
