/**
 * Env files the daemon wrote (`secrets env`), each with the device and inode of the file and of its
 * directory. Deleting one on lease end, killswitch or cleanup opens the directory the anchored way,
 * opens the file without following a symlink and unlinks it only if it is still that inode: a file
 * replaced by something else, or a directory swapped for a symlink, is left alone.
 */
import { closeSync, constants, fstatSync, openSync, unlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { DaemonError } from '../../../shared/errors.js';
import type { Clock } from '../clock.js';
import { createLogger } from '../logger.js';
import type { Db } from '../store/db.js';
import { AnchoredDir, type FileIdentity, identityOf, procFdAvailable, sameFile } from './anchored-dir.js';
import type { WrittenEnvFile } from './env-writer.js';

const log = createLogger('env-files');

/**
 * What became of a registered file: `deleted` (or `deletable` in a dry run); `gone` already;
 * `unreachable` for now (its directory is missing: kept for a later cleanup); `left` because it is
 * no longer the file the daemon wrote (the registration is dropped, the file untouched).
 */
export type EnvFileOutcome = 'deleted' | 'deletable' | 'gone' | 'unreachable' | 'left';

interface Row {
  path: string;
  lease_ids: string;
  dev: string | null;
  ino: string | null;
  birth: string | null;
  dir_path: string | null;
  dir_dev: string | null;
  dir_ino: string | null;
  dir_birth: string | null;
}

const FILE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

export class EnvFiles {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly viaProc = procFdAvailable(),
  ) {}

  /** Called by the daemon's own env writer after it wrote the file. */
  register(file: WrittenEnvFile, leaseIds: string[]): void {
    this.db
      .prepare('INSERT OR REPLACE INTO env_files (path, lease_ids, registered_at, dev, ino, birth, dir_path, dir_dev, dir_ino, dir_birth) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(file.path, JSON.stringify(leaseIds), this.clock.now(), file.dev, file.ino, file.birth, file.dir.real_path, file.dir.dev, file.dir.ino, file.dir.birth);
  }

  /** Whether the file now at `path` is the one the daemon wrote there (so it may overwrite it). */
  wrote(path: string, now: FileIdentity): boolean {
    const row = this.row(path);
    const recorded = row === undefined ? null : fileOf(row);
    return recorded !== null && sameFile(recorded, now);
  }

  /** A lease ended: the files written with it go. Returns how many were deleted. */
  deleteHolding(leaseId: string): number {
    const paths = this.db.prepare('SELECT env_files.path FROM env_files, json_each(env_files.lease_ids) WHERE json_each.value = ?').pluck().all(leaseId) as string[];
    return paths.filter((path) => this.remove(path) === 'deleted').length;
  }

  /** Files none of whose leases is still active (left over, e.g. a directory that was away). */
  stale(activeLeaseIds: Set<string>): string[] {
    const rows = this.db.prepare('SELECT path, lease_ids FROM env_files ORDER BY path').all() as { path: string; lease_ids: string }[];
    return rows.filter((r) => !(JSON.parse(r.lease_ids) as string[]).some((id) => activeLeaseIds.has(id))).map((r) => r.path);
  }

  /**
   * Deletes one registered file if it is still the one the daemon wrote; with `dryRun`, only says
   * whether it would. The registration goes unless the file is unreachable for now (or in a dry run).
   */
  remove(path: string, dryRun = false): EnvFileOutcome {
    const row = this.row(path);
    if (row === undefined) return 'gone';
    const outcome = this.handle(row, dryRun);
    if (!dryRun && outcome !== 'unreachable') this.db.prepare('DELETE FROM env_files WHERE path = ?').run(path);
    return outcome;
  }

  list(): string[] {
    return this.db.prepare('SELECT path FROM env_files ORDER BY path').pluck().all() as string[];
  }

  /** Deletes every registered file that is still the daemon's; returns how many were deleted. */
  deleteAll(): number {
    return this.list().filter((path) => this.remove(path) === 'deleted').length;
  }

  private row(path: string): Row | undefined {
    return this.db.prepare('SELECT * FROM env_files WHERE path = ?').get(path) as Row | undefined;
  }

  private handle(row: Row, dryRun: boolean): EnvFileOutcome {
    const file = fileOf(row);
    if (file === null || row.dir_path === null || row.dir_dev === null || row.dir_ino === null) {
      log.warn('left an env file registered without its identity (written by an older version): delete it yourself', { path: row.path });
      return 'left';
    }
    const anchor = AnchoredDir.open(row.dir_path, this.viaProc, { dev: row.dir_dev, ino: row.dir_ino, birth: row.dir_birth ?? '0' });
    if (!anchor.ok) {
      if (anchor.kind === 'missing') {
        log.info('env file not reachable now; kept for cleanup', { path: row.path, problem: anchor.problem });
        return 'unreachable';
      }
      log.warn('left an env file alone: its directory is not the one the daemon wrote in', { path: row.path, problem: anchor.problem });
      return 'left';
    }
    const dir = anchor.dir;
    try {
      return this.unlinkIfOurs(dir, row.path, file, dryRun);
    } catch (error) {
      // Never thrown at the caller: a lease end or the killswitch must not fail over one file.
      log.warn('could not delete an env file; kept for cleanup', { path: row.path, problem: (error as Error).message });
      return error instanceof DaemonError ? 'left' : 'unreachable';
    } finally {
      dir.close();
    }
  }

  private unlinkIfOurs(dir: AnchoredDir, path: string, file: FileIdentity, dryRun: boolean): EnvFileOutcome {
    const name = basename(path);
    let fd: number;
    try {
      fd = openSync(dir.entry(name), FILE_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return 'gone';
      log.warn('left an env file alone: what is at its path now cannot be opened as a plain file', { path: path, code });
      return code === 'ELOOP' ? 'left' : 'unreachable';
    }
    let now;
    try {
      now = fstatSync(fd, { bigint: true });
    } finally {
      closeSync(fd);
    }
    if (!now.isFile() || !sameFile(identityOf(now), file)) {
      log.warn('left an env file alone: it was replaced after the daemon wrote it', { path: path });
      return 'left';
    }
    if (dryRun) return 'deletable';
    try {
      unlinkSync(dir.entry(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      throw error;
    }
    log.info('deleted an env file', { path: path });
    return 'deleted';
  }
}

function fileOf(row: Row): FileIdentity | null {
  return row.dev === null || row.ino === null ? null : { dev: row.dev, ino: row.ino, birth: row.birth ?? '0' };
}
