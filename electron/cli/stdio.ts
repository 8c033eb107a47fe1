/**
 * Writing to stdout without creating `process.stdout`: building that stream (and loading `tty` to ask
 * isatty) costs a cold `secrets lease` several milliseconds, a fifth of its budget.
 */
import { fstatSync, writeSync } from 'node:fs';

/** A character device on the fd: a terminal (or /dev/null, where the choice does not matter). */
export function isTerminal(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `text` to fd 1, waiting out EAGAIN when a parent left the pipe non-blocking. */
export function writeOut(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 2);
      else if (code === 'EPIPE') return;
      else throw error;
    }
  }
}
