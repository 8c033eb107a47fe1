/** Where the store lives and whether it is safe to use (DESIGN.md §3). */
import { mkdirSync, statSync } from 'node:fs';
import { DaemonError } from '../../../shared/errors.js';
import { socketPathProblem } from '../../../shared/locations.js';

export const FILES = {
  db: 'state.db',
  identityAge: 'identity.age',
  identityKey: 'identity.key',
  config: 'config.json',
} as const;

/** @throws DaemonError USAGE when the path cannot be bound as a Unix socket. */
export function checkSocketPath(socketPath: string): void {
  const problem = socketPathProblem(socketPath);
  if (problem) throw new DaemonError('USAGE', problem.message, problem.hint);
}

/** Creates the data dir 0700 if missing. */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

/**
 * @throws DaemonError UNSAFE_PERMISSIONS when the data dir is readable by others or owned by
 * another user: the store must not start where someone else could swap or read its files.
 */
export function checkDataDirSafe(dataDir: string, uid = process.getuid?.()): void {
  let stat;
  try {
    stat = statSync(dataDir);
  } catch {
    throw new DaemonError('STORE_NOT_FOUND', `no store at ${dataDir}`, 'the person creates one with: secrets init');
  }
  if (!stat.isDirectory()) {
    throw new DaemonError('UNSAFE_PERMISSIONS', `${dataDir} is not a directory`, 'point AGENT_SECRETS_HOME at a directory');
  }
  if (process.platform === 'win32' || uid === undefined) return;
  if (stat.uid !== uid) {
    throw new DaemonError('UNSAFE_PERMISSIONS', `${dataDir} is owned by uid ${stat.uid}, not by you (uid ${uid})`, 'use a data dir you own');
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8);
    throw new DaemonError('UNSAFE_PERMISSIONS', `${dataDir} is accessible to other users (mode ${mode})`, `run: chmod 700 '${dataDir}'`);
  }
}
