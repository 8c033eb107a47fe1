/**
 * What the planner needs to know about the system, read once before anything changes: the two
 * accounts, every group, the socket directories and the tmpfiles.d entry. Accounts and groups come
 * from getent, so users from LDAP or sssd count as existing too.
 */
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { DaemonError } from '../../../../shared/errors.js';
import { agentHome, agentPaths } from './paths.js';
import type { RunTool } from './tools.js';
import { type Account, type Group, parseGroups, parsePasswd } from '../../../daemon/callers/os-accounts.js';

export interface PathFacts {
  kind: 'dir' | 'symlink' | 'other';
  uid: number;
  gid: number;
  /** Permission bits with setuid/setgid/sticky (`mode & 0o7777`). */
  mode: number;
}

export interface SystemFacts {
  agent: Account | null;
  owner: Account | null;
  groups: Group[];
  /** login.defs UID_MIN: below it are system accounts (ours too, made with useradd --system). */
  uidMin: number;
  /** login.defs USERGROUPS_ENAB: userdel then deletes the user's own group, if nobody else is in it. */
  userGroupsEnabled: boolean;
  /** The shell that refuses a login: nologin where it exists, else false. */
  noLoginShell: string;
  /** What is at /home/NAME: an earlier agent's home survives `remove` without --remove-home. */
  agentHome: PathFacts | null;
  socketRoot: PathFacts | null;
  socketDir: PathFacts | null;
  /** The owner's tmpfiles.d entry as it is, or null when there is none. */
  tmpfiles: string | null;
  /** A process listens on the owner's agent socket (a leftover socket file does not count). */
  liveSocket: boolean;
}

export function groupNamed(facts: Pick<SystemFacts, 'groups'>, name: string): Group | undefined {
  return facts.groups.find((group) => group.name === name);
}

/** A shell that refuses logins: what agent-user gives its users, and what it expects of one it touches. */
export function isNoLoginShell(shell: string): boolean {
  return /\/(nologin|false)$/.test(shell);
}

/** getent exits 2 when a key is not found: that is an answer, anything else is a failure. */
function getent(run: RunTool, database: 'passwd' | 'group', keys: string[]): string {
  const result = run(['getent', database, ...keys]);
  if (result.status === 0 || (result.status === 2 && keys.length > 0)) return result.stdout;
  throw new DaemonError('INTERNAL', `cannot read the ${database} database: getent exited ${result.status ?? 'before starting'}: ${result.stderr.trim()}`, 'check that getent works: getent passwd root');
}

export function lookupAccount(run: RunTool, name: string): Account | null {
  return parsePasswd(getent(run, 'passwd', [name])).find((account) => account.name === name) ?? null;
}

export function lookupGroup(run: RunTool, name: string): Group | null {
  return parseGroups(getent(run, 'group', [name])).find((group) => group.name === name) ?? null;
}

function pathFacts(path: string): PathFacts | null {
  try {
    const stat = lstatSync(path);
    const kind = stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'dir' : 'other';
    return { kind, uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** `KEY value` lines of /etc/login.defs. */
export function loginDefs(text: string | null): { uidMin: number; userGroupsEnabled: boolean } {
  const value = (key: string) => new RegExp(`^\\s*${key}\\s+(\\S+)`, 'm').exec(text ?? '')?.[1];
  const uidMin = Number(value('UID_MIN'));
  return { uidMin: Number.isInteger(uidMin) && uidMin > 0 ? uidMin : 1000, userGroupsEnabled: (value('USERGROUPS_ENAB') ?? 'yes') === 'yes' };
}

/** /proc/net/unix lists bound sockets by path: a live socket is there, a stale file is not. */
export function socketIsListed(procNetUnix: string | null, socket: string): boolean {
  return (procNetUnix ?? '').split('\n').some((line) => line.endsWith(` ${socket}`));
}

export function readFacts(run: RunTool, name: string, owner: string): SystemFacts {
  const accounts = parsePasswd(getent(run, 'passwd', [name, owner]));
  const paths = agentPaths(owner);
  return {
    agent: accounts.find((account) => account.name === name) ?? null,
    owner: accounts.find((account) => account.name === owner) ?? null,
    groups: parseGroups(getent(run, 'group', [])),
    ...loginDefs(readOrNull('/etc/login.defs')),
    noLoginShell: existsSync('/usr/sbin/nologin') ? '/usr/sbin/nologin' : '/bin/false',
    agentHome: pathFacts(agentHome(name)),
    socketRoot: pathFacts(paths.root),
    socketDir: pathFacts(paths.dir),
    tmpfiles: readOrNull(paths.tmpfiles),
    liveSocket: socketIsListed(readOrNull('/proc/net/unix'), paths.socket),
  };
}
