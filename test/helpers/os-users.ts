/**
 * Real OS users and groups, for tests of what the kernel keeps apart (root only): created with a
 * random tag, removed by `removeAll` (call it in `after`, whatever happened).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** Why these tests cannot run here, or null when they can. */
export const cannotSwitchUsers: string | null =
  process.getuid?.() !== 0 ? 'needs root to create users' : !existsSync('/usr/sbin/useradd') || !existsSync('/usr/bin/setpriv') ? 'needs useradd and setpriv (util-linux)' : null;

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
  /** Runs a program as this user, with its groups, by exec (no process of its own in between). */
  prefix: string[];
}

function id(flag: '-u' | '-g', name: string): number {
  return Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
}

export class OsAccounts {
  private readonly tag = randomBytes(3).toString('hex');
  private readonly users: string[] = [];
  private readonly groups: string[] = [];

  group(role: string): { name: string; gid: number } {
    const name = `as-${role}-${this.tag}`;
    execFileSync('groupadd', [name]);
    this.groups.push(name);
    return { name, gid: Number(execFileSync('getent', ['group', name], { encoding: 'utf8' }).split(':')[2]) };
  }

  /** A user with no home, no login shell and no password, in `groups` besides its own. */
  user(role: string, groups: string[] = []): OsUser {
    const name = `as-${role}-${this.tag}`;
    execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', ...(groups.length > 0 ? ['--groups', groups.join(',')] : []), name]);
    this.users.push(name);
    return { name, uid: id('-u', name), gid: id('-g', name), prefix: ['setpriv', `--reuid=${name}`, `--regid=${name}`, '--init-groups', '--'] };
  }

  /** Kills what the users still run, then deletes them (their own groups go with them) and the groups. */
  async removeAll(): Promise<void> {
    for (const name of this.users.splice(0)) {
      // userdel refuses a user with live processes: the killed ones take a moment to be reaped.
      for (let attempt = 0; attempt < 50; attempt++) {
        spawnSync('pkill', ['-KILL', '-u', name]);
        if (spawnSync('userdel', [name]).status !== 8) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    for (const name of this.groups.splice(0)) spawnSync('groupdel', [name]);
  }
}
