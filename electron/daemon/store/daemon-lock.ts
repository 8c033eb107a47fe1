/**
 * One daemon per data dir: a lock held for the daemon's whole life, on `<data dir>/daemon.lock`, an
 * empty SQLite file kept in an exclusive transaction that is never committed. SQLite takes it as a
 * POSIX lock, which the kernel releases when the daemon exits however it exits (SIGKILL included), so
 * a dead daemon never blocks the next one and no stale lock needs guessing about. Two daemons on one
 * store would each trust their own view of leases and the killswitch; the socket path cannot tell,
 * since each may be given its own (AGENT_SECRETS_SOCKET).
 */
import Database from 'better-sqlite3';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonError } from '../../../shared/errors.js';

export const DAEMON_LOCK_FILE = 'daemon.lock';

export interface DaemonLock {
  /** Releases the lock (also released by the kernel if the process dies). Idempotent. */
  release(): void;
}

/**
 * Takes the data dir's daemon lock without waiting.
 * @throws DaemonError DAEMON_ALREADY_RUNNING when another daemon (any process) holds it.
 */
export function acquireDaemonLock(dataDir: string, socketPath: string): DaemonLock {
  const path = join(dataDir, DAEMON_LOCK_FILE);
  const db = new Database(path);
  try {
    chmodSync(path, 0o600);
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DaemonError(
        'DAEMON_ALREADY_RUNNING',
        `a daemon is already running on the data dir ${dataDir}; not starting another on ${socketPath}`,
        'use it (secrets status), or stop it before starting another: one daemon per data dir, whatever its socket',
      );
    }
    throw error;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
