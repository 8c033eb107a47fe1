/**
 * What the disk did when the store could not be written or read: full, read-only, or a damaged file.
 * The one place that turns SQLite's result codes and the file system's errno into an error a person
 * can act on (DISK_FULL, STORE_READ_ONLY, STORE_CORRUPT); anything else stays what it was (a bug).
 * None of these is sticky: the next request tries the disk again, so space coming back (or the
 * filesystem turning writable) needs no restart.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, openSync, statfsSync, unlinkSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { DaemonError } from '../../../shared/errors.js';

export type StorageProblem = 'full' | 'read-only' | 'corrupt';

/**
 * SQLite reports a full disk and a read-only file as such only sometimes: a write that fails in the
 * VFS (a WAL frame, an fsync, a new -shm) is just SQLITE_IOERR_*, and better-sqlite3 does not expose
 * the errno. For those the file system is asked directly.
 */
export function diagnoseStorage(error: unknown, dataDir: string): StorageProblem | null {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  if (typeof code !== 'string') return null;
  // A file outside the store (an env file in a project) failing is that file's business.
  if (typeof path === 'string' && !isInside(path, dataDir)) return null;
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'read-only';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'EIO') return probeDisk(dataDir);
  return null;
}

function isInside(path: string, dir: string): boolean {
  const from = relative(dir, path);
  return from === '' || (!from.startsWith('..') && !isAbsolute(from));
}

/** Read-only or full, as the file system says now; null when it looks fine (a real I/O error). */
export function probeDisk(dataDir: string): StorageProblem | null {
  try {
    // access(2) fails with EROFS on a filesystem mounted read-only, even for root.
    accessSync(dataDir, constants.W_OK);
    // ext4 turned read-only by an error ("emergency_ro") still passes access(2): only a write tells.
    const probe = join(dataDir, `.write-probe-${randomBytes(6).toString('hex')}`);
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return 'read-only';
    if (code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  }
  try {
    if (statfsSync(dataDir).bavail === 0) return 'full';
  } catch {
    // Cannot tell: leave the error as it was.
  }
  return null;
}

/**
 * The error for `problem`; `what` says what it meant for the request ("nothing was changed").
 * `cause` is the error SQLite gave for damage: its text ("database disk image is malformed") is
 * generic and never holds a value.
 */
export function storageError(problem: StorageProblem, dataDir: string, what: string, cause?: unknown): DaemonError {
  switch (problem) {
    case 'full':
      return new DaemonError(
        'DISK_FULL',
        `the disk holding the store is full (${dataDir}): ${what}`,
        `free space on that filesystem (df -h '${dataDir}'); the daemon carries on once there is room, without a restart`,
      );
    case 'read-only':
      return new DaemonError(
        'STORE_READ_ONLY',
        `the store is on a read-only filesystem (${dataDir}): ${what}`,
        'make it writable again (a filesystem that turned read-only after a disk error needs checking: dmesg, fsck); a lease is refused meanwhile because its audit entry cannot be written',
      );
    case 'corrupt':
      return new DaemonError(
        'STORE_CORRUPT',
        `the store's database is damaged${cause instanceof Error ? ` (${cause.message})` : ''}: ${what}`,
        `stop the daemon and keep ${dataDir} as it is (it is the evidence); restore state.db from a backup of the data dir`,
      );
  }
}

/** The DaemonError for a storage failure, or null when `error` is something else. */
export function storageFailure(error: unknown, dataDir: string, what: string): DaemonError | null {
  const problem = diagnoseStorage(error, dataDir);
  return problem === null ? null : storageError(problem, dataDir, what, error);
}
