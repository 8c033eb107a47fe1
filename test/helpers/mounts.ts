/**
 * Small filesystems made by a test running as root: a tmpfs to fill up, an ext4 image that turns
 * read-only after an error (the way a disk goes read-only under a running program: Linux refuses
 * `mount -o remount,ro` while a process holds a file open for writing). Undo them in `after`.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { basename } from 'node:path';

export const IS_ROOT = process.getuid?.() === 0;

export function mountTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
}

/** Lazily, so a daemon still holding files there cannot keep the mount (or the test) alive. */
export function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  } catch {
    // Not mounted (any more).
  }
}

/**
 * Appends to `path` until the filesystem says ENOSPC, in smaller and smaller writes, so not even the
 * slack of a page is left. Returns the bytes written.
 */
export function fillUp(path: string): number {
  const fd = openSync(path, 'a');
  let written = 0;
  try {
    for (let size = 1 << 20; size >= 1; ) {
      try {
        written += writeSync(fd, Buffer.alloc(size, 0x5a));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        size >>= 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

/** An ext4 image mounted at `dir` with errors=remount-ro; returns the image path to delete later. */
export function mountExt4(dir: string, image: string, sizeMb: number): void {
  rmSync(image, { force: true });
  execFileSync('truncate', ['-s', `${sizeMb}M`, image]);
  execFileSync('mkfs.ext4', ['-q', '-F', image]);
  execFileSync('mount', ['-o', 'loop,errors=remount-ro', image, dir]);
}

/** Makes the ext4 at `dir` report an error, which (errors=remount-ro) turns it read-only at once. */
export function forceReadOnly(dir: string): void {
  const device = execFileSync('findmnt', ['-n', '-o', 'SOURCE', dir]).toString().trim();
  execFileSync('sh', ['-c', `echo 1 > /sys/fs/ext4/${basename(device)}/trigger_fs_error`]);
}
