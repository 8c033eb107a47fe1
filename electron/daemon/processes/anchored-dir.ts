/**
 * A directory held open, so that what the daemon creates, checks and deletes in it happens in that
 * very directory even if someone swaps a path component for a symlink meanwhile. On Linux every name
 * is reached through `/proc/self/fd/N/<name>`: the kernel starts the walk at the open directory, which
 * is in effect `openat`/`renameat`/`unlinkat`. Elsewhere the directory's real path and identity are
 * checked again right before each step (a smaller window, not none).
 */
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonError } from '../../../shared/errors.js';

/**
 * Device, inode and birth time (ns), as decimal strings (they exceed 2^53). The birth time tells a
 * file from a new one that was given the inode number just freed; it is "0" where the file system
 * does not keep one, and is then not compared.
 */
export interface FileIdentity {
  dev: string;
  ino: string;
  birth: string;
}

export interface DirRecord extends FileIdentity {
  real_path: string;
}

/**
 * Why a directory could not be anchored: `missing` may come back (an unmounted disk, a moved
 * project), so a registration is kept; `replaced` never will (a symlink, another directory).
 */
export type AnchorFailure = { ok: false; kind: 'missing' | 'replaced'; problem: string };
export type Anchor = { ok: true; dir: AnchoredDir } | AnchorFailure;

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** Whether names can be resolved through the open descriptor (Linux with /proc mounted). */
export function procFdAvailable(): boolean {
  return process.platform === 'linux' && existsSync('/proc/self/fd');
}

export function identityOf(stat: { dev: bigint; ino: bigint; birthtimeNs: bigint }): FileIdentity {
  return { dev: String(stat.dev), ino: String(stat.ino), birth: String(stat.birthtimeNs) };
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && (a.birth === '0' || b.birth === '0' || a.birth === b.birth);
}

export class AnchoredDir {
  private constructor(
    private readonly fd: number,
    readonly record: DirRecord,
    private readonly viaProc: boolean,
  ) {}

  /**
   * Opens `realPath` without following a symlink at its last component, then checks that where the
   * descriptor landed is `realPath` itself (so no earlier component was a symlink either) and, when
   * `expect` is given, that it is still the directory recorded then.
   * @throws only on a bug (fstat of an open descriptor failing); every expected outcome is returned.
   */
  static open(realPath: string, viaProc: boolean, expect?: FileIdentity): Anchor {
    let fd: number;
    try {
      fd = openSync(realPath, DIR_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'ENOTDIR') return { ok: false, kind: 'replaced', problem: `${realPath} is a symlink or not a directory` };
      return { ok: false, kind: 'missing', problem: `${realPath} cannot be opened (${code ?? 'error'})` };
    }
    try {
      const record = { real_path: realPath, ...identityOf(fstatSync(fd, { bigint: true })) };
      const landed = viaProc ? readlinkSync(`/proc/self/fd/${fd}`) : realpathSync(realPath);
      if (landed !== realPath) return fail(fd, `${realPath} is reached through a symlink (it leads to ${landed})`);
      if (expect && !sameFile(expect, record)) return fail(fd, `${realPath} is no longer the directory the file was written in`);
      return { ok: true, dir: new AnchoredDir(fd, record, viaProc) };
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /**
   * The path that reaches `name` in this directory: through the descriptor on Linux; elsewhere the
   * real path, after checking the directory still is the one opened.
   * @throws DaemonError USAGE (fallback only) when the directory was moved or swapped since it was opened.
   */
  entry(name: string): string {
    if (this.viaProc) return `/proc/self/fd/${this.fd}/${name}`;
    const path = this.record.real_path;
    let current: FileIdentity | null = null;
    try {
      if (realpathSync(path) === path) current = identityOf(lstatSync(path, { bigint: true }));
    } catch {
      // Gone or unreadable: not the directory we opened.
    }
    if (current === null || !sameFile(current, this.record)) throw new DaemonError('USAGE', `${path} was moved or replaced while the daemon was using it`, 'try again; if it keeps happening, something is swapping that directory');
    return join(path, name);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function fail(fd: number, problem: string): AnchorFailure {
  closeSync(fd);
  return { ok: false, kind: 'replaced', problem };
}
