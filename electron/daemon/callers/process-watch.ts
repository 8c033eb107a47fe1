/**
 * Is the process behind a connection still the one that opened it? Checked on every request, so it
 * must cost a few microseconds: one `pread` of `/proc/<pid>/stat` through a descriptor opened when the
 * connection was accepted.
 *
 * The descriptor is bound to that process, not to its number: once the process is gone the read fails
 * (ESRCH), even if the pid has been given to another process since. An exec keeps the process (and
 * its start time) but replaces its program: the name (comm) changes, and so do the addresses the
 * kernel lays the new program out at (code, stack, argv and environment: randomised on every exec,
 * and the code size differs for another executable even without randomisation). A zombie reads as
 * all zeros there. So comparing those fields with what they were at accept catches an exit, a pid
 * reused, and an exec, without reading the executable link or the command line.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { STAT, splitStat } from './process-tree.js';

const BUFFER_BYTES = 2048;
/** start_data … env_end and exit_code: the last fields of the line, fixed from one exec to the next. */
const TAIL_FIELDS = 8;

/** Offset of the field `index` after the name (see STAT), or -1. */
function fieldAt(stat: string, from: number, index: number): number {
  let at = from;
  for (let i = 0; i < index && at !== 0; i++) at = stat.indexOf(' ', at) + 1;
  return at === 0 ? -1 : at;
}

/**
 * What one program run of one process looks like in its stat line: name, start time, code and stack
 * addresses, and the data, argv and environment addresses at the end; null when it cannot be read.
 * Sliced out without splitting the line: this runs on every request.
 */
function signatureOf(stat: string): string | null {
  const close = stat.lastIndexOf(')');
  const fields = close + 2;
  const start = fieldAt(stat, fields, STAT.startTime);
  const code = start === -1 ? -1 : fieldAt(stat, start, STAT.startCode - STAT.startTime);
  const afterStack = code === -1 ? -1 : fieldAt(stat, code, STAT.startStack - STAT.startCode + 1);
  let tail = stat.length - 1;
  for (let i = 0; i < TAIL_FIELDS && tail > 0; i++) tail = stat.lastIndexOf(' ', tail - 1);
  if (close === -1 || afterStack === -1 || tail <= afterStack) return null;
  return `${stat.slice(0, close + 1)} ${stat.slice(start, stat.indexOf(' ', start))} ${stat.slice(code, afterStack)}${stat.slice(tail)}`;
}

/** One read of the stat line from offset 0 (procfs regenerates it); null once the process is gone. */
function readStat(fd: number, buffer: Buffer): string | null {
  try {
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    return length === 0 ? null : buffer.toString('latin1', 0, length);
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
    stat: string,
    private readonly signature: string,
    private readonly buffer: Buffer,
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
      fd = openSync(`${proc}/${pid}/stat`, 'r');
    } catch {
      return null;
    }
    const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
    const stat = readStat(fd, buffer);
    const signature = stat === null ? null : signatureOf(stat);
    if (stat === null || signature === null) {
      closeSync(fd);
      return null;
    }
    return new ProcessWatch(fd, stat, signature, buffer);
  }

  /** False once the process has exited, or exec'd another program, since open (never throws). */
  unchanged(): boolean {
    const stat = this.fd === null ? null : readStat(this.fd, this.buffer);
    return stat !== null && signatureOf(stat) === this.signature;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}
