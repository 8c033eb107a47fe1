/**
 * Replacing a file inside the project, and only there. The directory is opened without following a
 * symlink and, on Linux, everything after is reached through `/proc/self/fd/N/<name>` (in effect
 * `openat`/`renameat` on that very directory), so swapping a path component for a symlink after the
 * check leads nowhere outside. The file itself is opened with O_NOFOLLOW, must be a regular file and
 * still hold the bytes that were scanned; the new content goes to a temp file in the same directory
 * with the old file's mode, then is renamed over it (a crash leaves the old file or the new one).
 * Elsewhere the directory's real path is checked again right before each step (a smaller window).
 */
import { closeSync, constants, existsSync, fchmodSync, fstatSync, fsyncSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Why a file was left alone, or null when it was replaced. */
export type WriteRefusal = string | null;

/**
 * Replaces `root/rel` with `content`. `expected`: the bytes it must still hold (null: it may be
 * missing, and is then created with `newMode`). Returns why it refused, or null on success.
 * @throws on an unexpected file system error after the checks (disk full, …).
 */
export function replaceInside(root: string, rel: string, expected: Buffer | null, content: string, newMode = 0o644): WriteRefusal {
  const dirPath = join(root, dirname(rel));
  const name = basename(rel);
  let dirFd: number;
  try {
    dirFd = openSync(dirPath, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    return `its directory cannot be opened without following a symlink (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  try {
    const viaProc = process.platform === 'linux' && existsSync(`/proc/self/fd/${dirFd}`);
    const landed = viaProc ? readlinkSync(`/proc/self/fd/${dirFd}`) : realpathSync(dirPath);
    if (landed !== dirPath) return `its directory is reached through a symlink (it leads to ${landed})`;
    const at = (n: string) => {
      if (!viaProc && realpathSync(dirPath) !== dirPath) throw new Error(`${dirPath} changed to a symlink`);
      return viaProc ? `/proc/self/fd/${dirFd}/${n}` : join(dirPath, n);
    };
    let mode = newMode;
    let fd: number | null = null;
    try {
      fd = openSync(at(name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') return 'it is a symlink (only files inside the project are rewritten)';
      if (code !== 'ENOENT' || expected !== null) return `it cannot be opened (${code ?? 'error'})`;
    }
    if (fd !== null) {
      try {
        const stat = fstatSync(fd);
        if (!stat.isFile()) return 'it is not a regular file';
        if (expected !== null && !readFileSync(fd).equals(expected)) return 'it changed since it was scanned: scan again';
        mode = stat.mode & 0o7777;
      } finally {
        closeSync(fd);
      }
    }
    const tmpName = `.${name}.${randomBytes(6).toString('hex')}.tmp`;
    const tmp = openSync(at(tmpName), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      // Set after opening: the umask would otherwise narrow it.
      fchmodSync(tmp, mode);
      writeSync(tmp, Buffer.from(content, 'utf8'));
      fsyncSync(tmp);
    } catch (error) {
      closeSync(tmp);
      unlinkSync(at(tmpName));
      throw error;
    }
    closeSync(tmp);
    renameSync(at(tmpName), at(name));
    return null;
  } finally {
    closeSync(dirFd);
  }
}
