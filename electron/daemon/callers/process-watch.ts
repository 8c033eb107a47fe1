/**
 * Is the process behind a connection still the one that opened it? Checked on every request, so it
 * must cost a few microseconds: one `pread` of `/proc/<pid>/cmdline` through a descriptor opened when
 * the connection was accepted.
 *
 * The descriptor is bound to that process, not to its number: once the process is gone the read fails
 * (ESRCH) or comes back empty, even if the pid has been given to another process since. An exec keeps
 * the process but replaces its program, and the command line is read from the new program's memory:
 * running anything else shows as a changed command line. (An exec of the very same command line runs
 * the program the identity already names, so it lends nothing.)
 *
 * Why not the stat line, which also shows an exec by its code addresses: reading `stat` makes the
 * kernel gather the process's CPU times, which for a process running on another core means taking that
 * core's run-queue lock; under the 32-client lease load that cost a quarter of the daemon's throughput.
 * Not auxv either: its descriptor pins the memory map it was opened on, so it never sees an exec.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { STAT, splitStat } from './process-tree.js';

/** Command lines longer than this are compared by their first 8 KiB (the kernel's own page of it). */
const BUFFER_BYTES = 8192;

/** One read from offset 0 (procfs regenerates it); null once the process is gone. */
function readCommandLine(fd: number, buffer: Buffer): number | null {
  try {
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    return length === 0 ? null : length;
  } catch {
    return null;
  }
}

export class ProcessWatch {
  private fd: number | null;
  /** Start time (clock ticks after boot, stat field 22) and name of the process at accept. */
  readonly startTime: number;
  readonly name: string;

  private constructor(
    fd: number,
    private readonly commandLine: Buffer,
    private readonly buffer: Buffer,
    stat: string,
  ) {
    this.fd = fd;
    const { name, fields } = splitStat(stat);
    this.name = name;
    this.startTime = Number(fields[STAT.startTime]);
  }

  /** Starts watching `pid` as it is now; null when it is gone or /proc cannot be read (never throws). */
  static open(pid: number, proc = '/proc'): ProcessWatch | null {
    let fd: number;
    try {
      fd = openSync(`${proc}/${pid}/cmdline`, 'r');
    } catch {
      return null;
    }
    const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
    const length = readCommandLine(fd, buffer);
    const commandLine = length === null ? null : Buffer.from(buffer.subarray(0, length));
    let stat: string | null = null;
    try {
      stat = readFileSync(`${proc}/${pid}/stat`, 'latin1');
    } catch {
      // Gone already: refused below.
    }
    if (commandLine === null || stat === null) {
      closeSync(fd);
      return null;
    }
    // Taken before the stat line: an exec in between shows as a changed command line at the first request.
    return new ProcessWatch(fd, commandLine, buffer, stat);
  }

  /** False once the process has exited, or exec'd another program, since open (never throws). */
  unchanged(): boolean {
    const length = this.fd === null ? null : readCommandLine(this.fd, this.buffer);
    return length === this.commandLine.length && this.buffer.subarray(0, length).equals(this.commandLine);
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}
