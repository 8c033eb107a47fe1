/**
 * `sudo secrets agent-user add|remove` end to end, as root: the real CLI makes a real system user for
 * a throwaway person, and getent, id, /etc/shadow and stat show what it did — an account nobody can
 * log in to, the person in the agent's group, a socket directory the agent can enter but not write
 * (and where a socket the person binds gets the agent group), a boot entry. It refuses without root
 * and never takes over a login user; running it again changes nothing; remove undoes it, keeping the
 * directory while the person has another agent or the daemon still listens in it.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { CLI, type CliResult, runCli } from '../helpers/store.js';

const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
const skip = process.getuid?.() !== 0 ? 'needs root to create users' : false;

const suffix = randomBytes(3).toString('hex');
const OWNER = `as-own-${suffix}`;
const AGENT = `as-test-${suffix}`;
const AGENT2 = `as-test2-${suffix}`;
const REAL = `as-real-${suffix}`;
const DIR = `/run/agent-secrets/${OWNER}`;
const SOCKET = `${DIR}/agents.sock`;
const TMPFILES = `/etc/tmpfiles.d/agent-secrets-${OWNER}.conf`;

function sh(argv: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { PATH: SYSTEM_PATH, LC_ALL: 'C' } });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

const exists = (database: 'passwd' | 'group', key: string) => sh(['getent', database, key]).status === 0;
const passwd = (name: string) => sh(['getent', 'passwd', name]).stdout.trim().split(':');
const gidOf = (group: string) => Number(sh(['getent', 'group', group]).stdout.split(':')[2]);
const groupsOf = (user: string) => sh(['id', '-nG', user]).stdout.trim().split(/\s+/);
const asUser = (user: string, argv: string[]) => sh(['runuser', '-u', user, '--', ...argv]);

/** The CLI as root, the way `sudo` runs it: SUDO_USER names the person unless --owner does. */
const secrets = (args: string[], env: Record<string, string> = { SUDO_USER: OWNER }) => runCli([...args, '--json'], env);

function ok(result: CliResult): { steps: { description: string; changed: boolean }[]; notes: string[]; next_steps: string[] } {
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.json?.ok, true, result.stdout);
  return result.json.data;
}

const changed = (data: ReturnType<typeof ok>) => data.steps.filter((s) => s.changed).map((s) => s.description);

/** A listener on the agent socket, bound by the person as the daemon would, until stopped. */
async function listenAsOwner(): Promise<ChildProcess> {
  const script = `require('net').createServer().listen(${JSON.stringify(SOCKET)}, () => console.log('ready'))`;
  const child = spawn('runuser', ['-u', OWNER, '--', process.execPath, '-e', script], { env: { PATH: SYSTEM_PATH }, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  assert.equal(line.toString().trim(), 'ready');
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
}

describe('secrets agent-user', { skip }, () => {
  let groupExisted = false;
  let rootDirExisted = false;
  const listeners: ChildProcess[] = [];

  before(() => {
    groupExisted = exists('group', 'agent-secrets');
    rootDirExisted = existsSync('/run/agent-secrets');
    for (const user of [OWNER, REAL]) assert.equal(sh(['useradd', '--create-home', '--shell', '/bin/bash', user]).status, 0, `useradd ${user}`);
  });

  after(async () => {
    for (const child of listeners) await stop(child);
    // Agents before the person: the agents' groups list the person as a member.
    for (const user of [AGENT, AGENT2, REAL, OWNER]) {
      if (exists('passwd', user)) sh(['userdel', '--remove', user]);
      if (exists('group', user)) sh(['groupdel', user]);
      rmSync(`/home/${user}`, { recursive: true, force: true });
    }
    rmSync(DIR, { recursive: true, force: true });
    rmSync(TMPFILES, { force: true });
    if (!groupExisted && exists('group', 'agent-secrets')) sh(['groupdel', 'agent-secrets']);
    if (!rootDirExisted) rmSync('/run/agent-secrets', { recursive: true, force: true });
  });

  test('without root it refuses and hints at sudo; nothing is made', () => {
    const result = sh(['runuser', '-u', OWNER, '--', process.execPath, CLI, 'agent-user', 'add', AGENT, '--json']);
    assert.equal(result.status, 4, result.stderr);
    assert.match(result.stderr, new RegExp(`secrets: hint: .*sudo secrets agent-user add ${AGENT}`));
    assert.equal(JSON.parse(result.stdout).error.code, 'DENIED');
    assert.equal(exists('passwd', AGENT), false);
  });

  test('add makes a user nobody logs in to, in the agent group, with the person in its own group', async () => {
    const data = ok(await secrets(['agent-user', 'add', AGENT]));
    const [, , uid, gid, , home, shell] = passwd(AGENT);
    assert.match(shell!, /^(\/usr\/sbin\/nologin|\/bin\/false)$/);
    assert.equal(home, `/home/${AGENT}`);
    assert.equal(statSync(home!).uid, Number(uid), 'its home is its own');
    assert.equal(Number(gid), gidOf(AGENT), 'its primary group is its own');
    const shadow = readFileSync('/etc/shadow', 'utf8').split('\n').find((line) => line.startsWith(`${AGENT}:`))!;
    assert.match(shadow.split(':')[1]!, /^[!*]/, 'the password is locked');
    assert.ok(groupsOf(AGENT).includes('agent-secrets'));
    assert.ok(groupsOf(OWNER).includes(AGENT), 'the person is in the agent group');
    assert.ok(data.next_steps.some((s) => s.includes(`sudo -H -u ${AGENT} -- claude`)));
    assert.ok(data.next_steps.some((s) => s.includes(`chgrp -R ${AGENT} DIR && chmod -R g+rwX DIR`)));
    assert.ok(data.next_steps.some((s) => /restart the daemon/.test(s)));
  });

  test('add makes the socket directory: the person and the agent group, setgid, the group may enter but not write', () => {
    const root = statSync('/run/agent-secrets');
    assert.deepEqual([root.uid, root.gid, root.mode & 0o7777], [0, 0, 0o755]);
    const dir = statSync(DIR);
    assert.deepEqual([dir.uid, dir.gid, dir.mode & 0o7777], [Number(passwd(OWNER)[2]), gidOf('agent-secrets'), 0o2750]);
    assert.equal(readFileSync(TMPFILES, 'utf8').split('\n').filter((l) => !l.startsWith('#') && l.trim()).join('\n'), `d ${DIR} 2750 ${OWNER} agent-secrets -`);
    assert.match(readFileSync(TMPFILES, 'utf8'), /^# .*secrets agent-user add/);
    assert.equal(statSync(TMPFILES).mode & 0o777, 0o644);
    assert.equal(asUser(AGENT, ['test', '-x', DIR]).status, 0, 'the agent can reach the socket');
    assert.notEqual(asUser(AGENT, ['touch', `${DIR}/planted`]).status, 0, 'the agent cannot plant a socket');
    assert.notEqual(asUser(REAL, ['test', '-x', DIR]).status, 0, 'someone outside the group cannot enter');
  });

  test('a socket the person binds there belongs to the agent group', async () => {
    const listener = await listenAsOwner();
    listeners.push(listener);
    try {
      assert.equal(statSync(SOCKET).gid, gidOf('agent-secrets'));
    } finally {
      await stop(listener);
      rmSync(SOCKET, { force: true });
    }
  });

  test('add again changes nothing and says what was there', async () => {
    const data = ok(await secrets(['agent-user', 'add', AGENT]));
    assert.deepEqual(changed(data), []);
    const human = await runCli(['agent-user', 'add', AGENT, '--human'], { SUDO_USER: OWNER });
    assert.match(human.stdout, new RegExp(`already +the user ${AGENT} exists`));
  });

  test('a socket directory with the wrong mode is fixed, and only that', async () => {
    chmodSync(DIR, 0o777);
    const data = ok(await secrets(['agent-user', 'add', AGENT]));
    assert.deepEqual(changed(data), [`fix ${DIR}: it was uid ${passwd(OWNER)[2]} gid ${gidOf('agent-secrets')} 0777, now ${OWNER}:agent-secrets 02750`]);
    assert.equal(statSync(DIR).mode & 0o7777, 0o2750);
  });

  test('a login user is never taken over, nor deleted', async () => {
    for (const action of ['add', 'remove']) {
      const result = await secrets(['agent-user', action, REAL]);
      assert.equal(result.code, 4, result.stderr);
      assert.equal(result.json.error.code, 'DENIED');
    }
    assert.equal(passwd(REAL)[6], '/bin/bash');
    assert.ok(!groupsOf(REAL).includes('agent-secrets'));
  });

  test('the person is never root; --owner names them without sudo', async () => {
    const asRoot = await secrets(['agent-user', 'add', AGENT2], { SUDO_USER: 'root' });
    assert.equal(asRoot.code, 2, asRoot.stderr);
    assert.match(asRoot.stderr, /never root/);
    assert.equal(exists('passwd', AGENT2), false);
    ok(await secrets(['agent-user', 'add', AGENT2, '--owner', OWNER], {}));
    assert.ok(groupsOf(OWNER).includes(AGENT2));
  });

  test("remove deletes the user and its group, keeping the directory while the person's other agent uses it", async () => {
    const data = ok(await secrets(['agent-user', 'remove', AGENT]));
    assert.equal(exists('passwd', AGENT), false);
    assert.equal(exists('group', AGENT), false);
    assert.ok(!groupsOf(OWNER).includes(AGENT));
    assert.ok(existsSync(`/home/${AGENT}`), 'its home stays without --remove-home');
    assert.ok(existsSync(DIR) && existsSync(TMPFILES));
    assert.ok(data.notes.some((n) => n.includes(`other agents (${AGENT2})`)));
  });

  test('removing the last agent while the daemon listens keeps the directory and says to stop it; once stopped, remove again clears it', async () => {
    const listener = await listenAsOwner();
    listeners.push(listener);
    const first = ok(await secrets(['agent-user', 'remove', AGENT2, '--remove-home']));
    assert.equal(exists('passwd', AGENT2), false);
    assert.equal(existsSync(`/home/${AGENT2}`), false);
    assert.equal(existsSync(TMPFILES), false);
    assert.ok(existsSync(DIR));
    assert.ok(first.notes.some((n) => n.includes('still listens') && n.includes('stop the daemon')));
    await stop(listener);

    const second = ok(await secrets(['agent-user', 'remove', AGENT2]));
    assert.deepEqual(changed(second), [`remove ${DIR} (no live socket in it)`]);
    assert.equal(existsSync(DIR), false);
    assert.ok(exists('group', 'agent-secrets'), 'the agent group stays');
    assert.ok(second.notes.some((n) => n.includes('kept the group agent-secrets')));
  });
});
