/**
 * Who a uid is and which groups a process holds, as the agent socket needs to know (Linux files:
 * /etc/passwd, /etc/group, /proc/<pid>/status). Read when an agent connects, never per request.
 */
import { readFileSync } from 'node:fs';

function fileLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch {
    return [];
  }
}

/** The name of a uid in /etc/passwd, or null (a container's uid often has none on the host). */
export function userName(uid: number, passwd = '/etc/passwd'): string | null {
  for (const line of fileLines(passwd)) {
    const [name, , id] = line.split(':');
    if (name && Number(id) === uid && id !== '') return name;
  }
  return null;
}

/** A group's id by name in /etc/group, or null when there is no such group. */
export function groupId(name: string, group = '/etc/group'): number | null {
  for (const line of fileLines(group)) {
    const [groupName, , id] = line.split(':');
    if (groupName === name && id !== undefined && id !== '') return Number(id);
  }
  return null;
}

/**
 * Every group a process holds: its real, effective and saved gids and its supplementary groups, as
 * the kernel shows them in /proc/<pid>/status (readable by every user); null when it is gone.
 */
export function processGroups(pid: number, proc = '/proc'): Set<number> | null {
  let status: string;
  try {
    status = readFileSync(`${proc}/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const groups = new Set<number>();
  for (const line of status.split('\n')) {
    if (!line.startsWith('Gid:') && !line.startsWith('Groups:')) continue;
    for (const id of line.slice(line.indexOf(':') + 1).trim().split(/\s+/)) if (id !== '') groups.add(Number(id));
  }
  return groups;
}
