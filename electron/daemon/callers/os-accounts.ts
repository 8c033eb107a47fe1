/**
 * Who a uid is and which groups a process holds, as the agent socket needs to know (Linux files:
 * /etc/passwd, /etc/group, /proc/<pid>/status). Read when an agent connects, never per request.
 */
import { readFileSync } from 'node:fs';

/** A line of the passwd database (/etc/passwd, or what `getent passwd` prints). */
export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** A line of the group database; `members` are its supplementary members. */
export interface Group {
  name: string;
  gid: number;
  members: string[];
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

export function parsePasswd(text: string): Account[] {
  return lines(text).map((line) => {
    const [name = '', , uid = '', gid = '', , home = '', shell = ''] = line.split(':');
    return { name, uid: Number(uid), gid: Number(gid), home, shell };
  });
}

export function parseGroups(text: string): Group[] {
  return lines(text).map((line) => {
    const [name = '', , gid = '', members = ''] = line.split(':');
    return { name, gid: Number(gid), members: members.split(',').filter(Boolean) };
  });
}

function fileText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The name of a uid in /etc/passwd, or null (a container's uid often has none on the host). */
export function userName(uid: number, passwd = '/etc/passwd'): string | null {
  return parsePasswd(fileText(passwd)).find((account) => account.uid === uid && account.name !== '')?.name ?? null;
}

/** A group's id by name in /etc/group, or null when there is no such group. */
export function groupId(name: string, group = '/etc/group'): number | null {
  return parseGroups(fileText(group)).find((entry) => entry.name === name)?.gid ?? null;
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
