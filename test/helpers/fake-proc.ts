/**
 * A /proc of made-up processes in a temp dir, for the code that reads one (process-tree.ts,
 * os-accounts.ts): each process gets the files the daemon reads, and, as root, its directory's owner
 * stands for the user it runs as, the way the kernel shows it.
 */
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeProcess {
  pid: number;
  ppid?: number;
  /** The command line; the first word is also its name (comm). */
  argv?: string[];
  /** The user it runs as (needs root to chown its directory); unset: the test's own user. */
  uid?: number;
  /** Its /proc/<pid>/status `Gid:` (real, effective, saved, fs) and `Groups:` lines. */
  gids?: number[];
  groups?: number[];
  environ?: Record<string, string>;
  startTime?: number;
}

/** The fields after the name in /proc/<pid>/stat, as many as the daemon reads (see STAT). */
const STAT_FIELDS = 50;

function statLine(process: FakeProcess, name: string): string {
  const fields: (string | number)[] = new Array(STAT_FIELDS).fill(0);
  fields[0] = 'S';
  fields[1] = process.ppid ?? 1;
  fields[2] = process.pid;
  fields[19] = process.startTime ?? 1000 + process.pid;
  return `${process.pid} (${name}) ${fields.join(' ')}\n`;
}

function statusText(process: FakeProcess, name: string): string {
  const uid = process.uid ?? 0;
  const gids = process.gids ?? [uid, uid, uid, uid];
  return [`Name:\t${name}`, `Pid:\t${process.pid}`, `PPid:\t${process.ppid ?? 1}`, `Uid:\t${uid}\t${uid}\t${uid}\t${uid}`, `Gid:\t${gids.join('\t')}`, `Groups:\t${(process.groups ?? []).join(' ')} `, ''].join('\n');
}

/** Writes the process under `root` (made if missing) and returns the root, to pass as `proc`. */
export function addFakeProcess(root: string, process: FakeProcess): string {
  const dir = join(root, String(process.pid));
  const argv = process.argv ?? ['sleep'];
  const name = argv[0]!.split('/').pop()!.slice(0, 15);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'stat'), statLine(process, name));
  writeFileSync(join(dir, 'cmdline'), argv.map((word) => `${word}\0`).join(''));
  writeFileSync(join(dir, 'status'), statusText(process, name));
  if (process.environ !== undefined) {
    writeFileSync(join(dir, 'environ'), Object.entries(process.environ).map(([key, value]) => `${key}=${value}\0`).join(''));
  }
  if (process.uid !== undefined) chownSync(dir, process.uid, process.gids?.[0] ?? process.uid);
  return root;
}
