/**
 * Telling a process group that is still ours from a stranger that took its number. A registered group
 * is led by a process with pid == pgid; its start time (/proc/<pid>/stat field 22, clock ticks since
 * boot) is recorded then. Linux never reuses a pid while a group of that id exists, so before a signal:
 * no process with that pid means whatever is left of the group is the original one (safe to signal);
 * a process with that pid but another start time means the group ended and the number was reused.
 */
import { readFileSync } from 'node:fs';

export interface LeaderStat {
  ppid: number;
  pgrp: number;
  /** Field 22, kept as the kernel wrote it. */
  start_time: string;
}

/** One read of /proc/<pid>/stat, so ppid, group and start time describe the same process. null when it is gone. */
export function leaderStat(pid: number, proc = '/proc'): LeaderStat | null {
  let stat: string;
  try {
    stat = readFileSync(`${proc}/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The name is in parentheses and may itself hold spaces or parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  const [ppid, pgrp, start] = [fields[1], fields[2], fields[19]];
  if (ppid === undefined || pgrp === undefined || start === undefined || !/^\d+$/.test(start)) return null;
  return { ppid: Number(ppid), pgrp: Number(pgrp), start_time: start };
}

/** Whether signalling group `pgid` still reaches the group registered with that leader start time. */
export function stillOurGroup(pgid: number, startTime: string, proc = '/proc'): boolean {
  const leader = leaderStat(pgid, proc);
  return leader === null || leader.start_time === startTime;
}
