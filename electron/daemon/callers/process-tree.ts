/**
 * What the kernel says about a process and its ancestors (Linux /proc): executable, working
 * directory, command line, parent. Read when a client connects, while it waits for its answer.
 */
import { readFileSync, readlinkSync, statSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** Kernel's short name (comm). */
  name: string;
  /**
   * When the process started, in clock ticks after boot (/proc/<pid>/stat field 22): with the pid, it
   * names one process for good, since a recycled pid has a later start time. An exec keeps it.
   */
  startTime: number;
  /** Absolute path of the executable, or null when it cannot be read. */
  exe: string | null;
  cwd: string | null;
  argv: string[];
}

const MAX_DEPTH = 16;
const MAX_ARGV_BYTES = 8192;

function readOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/**
 * Indexes into the fields after the name in /proc/<pid>/stat (man 5 proc numbers from 1 and counts pid
 * and name: field N is index N - 3 here).
 */
export const STAT = { startTime: 19, startCode: 23, endCode: 24, startStack: 25, argStart: 45, argEnd: 46, envStart: 47, envEnd: 48 } as const;

/**
 * The name (comm) and the fields after it. The name is in parentheses and may itself contain spaces
 * or parentheses, so the line is split at the last ')'.
 */
export function splitStat(stat: string): { name: string; fields: string[] } {
  const close = stat.lastIndexOf(')');
  return { name: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
}

/** null when the process is gone (or /proc is not there). */
export function processInfo(pid: number, proc = '/proc'): ProcessInfo | null {
  const stat = readOrNull(() => readFileSync(`${proc}/${pid}/stat`, 'utf8'));
  if (stat === null) return null;
  const { name, fields } = splitStat(stat);
  const ppid = Number(fields[1]);
  const pgrp = Number(fields[2]);
  const cmdline = readOrNull(() => readFileSync(`${proc}/${pid}/cmdline`)) ?? Buffer.alloc(0);
  const argv = cmdline.subarray(0, MAX_ARGV_BYTES).toString('utf8').split('\0');
  if (argv.at(-1) === '') argv.pop();
  return {
    pid,
    ppid,
    pgrp,
    name,
    startTime: Number(fields[STAT.startTime]),
    exe: readOrNull(() => readlinkSync(`${proc}/${pid}/exe`)),
    cwd: readOrNull(() => readlinkSync(`${proc}/${pid}/cwd`)),
    argv,
  };
}

/** The uid a process runs as (its /proc directory's owner), or null when it is gone. */
function processOwner(pid: number, proc: string): number | null {
  return readOrNull(() => statSync(`${proc}/${pid}`).uid);
}

/**
 * The process and its ancestors, nearest first, up to (not including) pid 1. With `ownerUid`, only
 * as far as they run as that user: an agent user's chain ends at the `sudo` that started it, so
 * nothing of the person's own session (their terminal, their shell) is taken for the agent.
 */
export function processChain(pid: number, proc = '/proc', ownerUid?: number): ProcessInfo[] {
  const chain: ProcessInfo[] = [];
  for (let current = pid; current > 1 && chain.length < MAX_DEPTH; ) {
    if (ownerUid !== undefined && processOwner(current, proc) !== ownerUid) break;
    const info = processInfo(current, proc);
    if (info === null) break;
    chain.push(info);
    current = info.ppid;
  }
  return chain;
}
