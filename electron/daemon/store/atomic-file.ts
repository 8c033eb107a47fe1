/** Writes a file so that a crash leaves either the old content or the new, never half of it. */
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, writeSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o600): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  // 'wx': a name planted in the way (a symlink) fails the open rather than being followed.
  const fd = openSync(tmp, 'wx', mode);
  try {
    // Exactly `mode`, whatever the umask (a tmpfiles.d entry written under sudo must stay readable).
    fchmodSync(fd, mode);
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(tmp);
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
