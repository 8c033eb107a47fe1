/**
 * `secrets agent-user`'s planner, from facts alone (no root needed): a fresh system gets every step,
 * a set-up one none (idempotent), a real or service account is never taken over, the owner must be a
 * person, and removing keeps the socket directory while the person has other agents.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PathFacts, SystemFacts } from '../../electron/cli/in-process/agent-user/facts.js';
import { loginDefs, socketIsListed } from '../../electron/cli/in-process/agent-user/facts.js';
import { type Account, type Group, parseGroups, parsePasswd } from '../../electron/daemon/callers/os-accounts.js';
import { planAdd, tmpfilesEntry } from '../../electron/cli/in-process/agent-user/plan-add.js';
import { planRemove } from '../../electron/cli/in-process/agent-user/plan-remove.js';
import type { Plan } from '../../electron/cli/in-process/agent-user/plan.js';
import { parseAction, requireLinuxRoot, resolveOwner } from '../../electron/cli/in-process/agent-user/request.js';
import { isDaemonError } from '../../shared/errors.js';

const ALICE: Account = { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/bash' };
const BOT: Account = { name: 'bot', uid: 990, gid: 990, home: '/home/bot', shell: '/usr/sbin/nologin' };
const AGENT_GROUP_GID = 980;
const dir = (uid: number, gid: number, mode: number): PathFacts => ({ kind: 'dir', uid, gid, mode });

function facts(over: Partial<SystemFacts> = {}): SystemFacts {
  return {
    agent: null,
    owner: ALICE,
    groups: [{ name: 'alice', gid: 1000, members: [] }],
    uidMin: 1000,
    userGroupsEnabled: true,
    noLoginShell: '/usr/sbin/nologin',
    agentHome: null,
    socketRoot: null,
    socketDir: null,
    tmpfiles: null,
    liveSocket: false,
    ...over,
  };
}

/** The system after `agent-user add bot --owner alice`, plus `extra` groups. */
function setUp(extra: Group[] = [], agentMembers = ['bot']): SystemFacts {
  return facts({
    agent: BOT,
    groups: [
      { name: 'alice', gid: 1000, members: [] },
      { name: 'agent-secrets', gid: AGENT_GROUP_GID, members: agentMembers },
      { name: 'bot', gid: 990, members: ['alice'] },
      ...extra,
    ],
    socketRoot: dir(0, 0, 0o755),
    socketDir: dir(1000, AGENT_GROUP_GID, 0o2750),
    tmpfiles: tmpfilesEntry('alice'),
  });
}

const actions = (plan: Plan) => plan.steps.filter((s) => s.action !== null).map((s) => s.action);
const argvs = (plan: Plan) => actions(plan).flatMap((a) => (a?.kind === 'run' ? [a.argv.join(' ')] : []));

function refused(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (error: unknown) => isDaemonError(error) && error.code === code && message.test(error.message));
}

describe('agent-user add: the plan', () => {
  test('a fresh system gets the group, the user, the membership, both directories and the tmpfiles entry, in that order', () => {
    const plan = planAdd(facts(), { name: 'bot', owner: 'alice' });
    assert.deepEqual(argvs(plan), [
      'groupadd --system agent-secrets',
      'useradd --system --shell /usr/sbin/nologin --home-dir /home/bot --create-home --user-group --groups agent-secrets bot',
      'usermod -aG bot alice',
    ]);
    assert.deepEqual(actions(plan).slice(3), [
      { kind: 'dir', path: '/run/agent-secrets', owner: 'root', group: 'root', mode: 0o755 },
      { kind: 'dir', path: '/run/agent-secrets/alice', owner: 'alice', group: 'agent-secrets', mode: 0o2750 },
      { kind: 'write', path: '/etc/tmpfiles.d/agent-secrets-alice.conf', content: tmpfilesEntry('alice'), mode: 0o644 },
    ]);
    assert.equal(plan.steps.length, 6);
  });

  test('the tmpfiles entry remakes the directory setgid, owned by the person and the agent group, and says who wrote it', () => {
    const [comment, line] = tmpfilesEntry('alice').split('\n');
    assert.match(comment!, /^# .*secrets agent-user add/);
    assert.equal(line, 'd /run/agent-secrets/alice 2750 alice agent-secrets -');
  });

  test('without nologin the user gets /bin/false', () => {
    assert.match(argvs(planAdd(facts({ noLoginShell: '/bin/false' }), { name: 'bot', owner: 'alice' }))[1]!, /--shell \/bin\/false /);
  });

  test('a system set up already needs nothing, and each step says what exists', () => {
    const plan = planAdd(setUp(), { name: 'bot', owner: 'alice' });
    assert.deepEqual(actions(plan), []);
    assert.deepEqual(
      plan.steps.map((s) => s.description),
      [
        'the group agent-secrets exists',
        'the user bot exists (shell /usr/sbin/nologin, home /home/bot)',
        'bot is in the group agent-secrets',
        'alice is in the group bot',
        '/run/agent-secrets exists (root:root 0755)',
        '/run/agent-secrets/alice exists (alice:agent-secrets 02750)',
        '/etc/tmpfiles.d/agent-secrets-alice.conf is written',
      ],
    );
  });

  test('a socket directory with the wrong owner or mode is fixed, and the step says what it was', () => {
    const plan = planAdd({ ...setUp(), socketDir: dir(1000, 1000, 0o755) }, { name: 'bot', owner: 'alice' });
    assert.deepEqual(actions(plan), [{ kind: 'dir', path: '/run/agent-secrets/alice', owner: 'alice', group: 'agent-secrets', mode: 0o2750 }]);
    assert.match(plan.steps.find((s) => s.action)!.description, /^fix \/run\/agent-secrets\/alice: it was uid 1000 gid 1000 0755, now alice:agent-secrets 02750$/);
  });

  test("a home left by an earlier agent of that name is kept as it is, and a note says how to hand it over", () => {
    const plan = planAdd(facts({ agentHome: dir(990, 990, 0o700) }), { name: 'bot', owner: 'alice' });
    assert.deepEqual(plan.notes, ["/home/bot was there already (uid 990); if it was an earlier agent's, give it to bot: chown -R bot: /home/bot"]);
    assert.deepEqual(planAdd({ ...setUp(), agentHome: dir(990, 990, 0o700) }, { name: 'bot', owner: 'alice' }).notes, []);
  });

  test('a symlink where the socket directory goes is refused, not followed', () => {
    refused(() => planAdd({ ...setUp(), socketDir: { kind: 'symlink', uid: 1000, gid: 1000, mode: 0o777 } }, { name: 'bot', owner: 'alice' }), 'UNSAFE_PERMISSIONS', /symlink/);
  });

  test('an existing nologin user the person made is put in the group, not made again', () => {
    const own: Account = { ...BOT, uid: 1001, gid: 1001 };
    const plan = planAdd(facts({ agent: own, groups: [{ name: 'bot', gid: 1001, members: [] }, { name: 'agent-secrets', gid: 980, members: [] }] }), { name: 'bot', owner: 'alice' });
    assert.deepEqual(argvs(plan), ['usermod -aG agent-secrets bot', 'usermod -aG bot alice']);
  });

  test('a real login user is never taken over', () => {
    const bob: Account = { name: 'bob', uid: 1001, gid: 1001, home: '/home/bob', shell: '/bin/bash' };
    refused(() => planAdd(facts({ agent: bob, groups: [{ name: 'bob', gid: 1001, members: [] }] }), { name: 'bob', owner: 'alice' }), 'DENIED', /login shell \(\/bin\/bash\)/);
    // Not even one already in the agent group: a login shell makes it a person's account.
    refused(() => planAdd({ ...setUp(), agent: { ...BOT, shell: '/bin/sh' } }, { name: 'bot', owner: 'alice' }), 'DENIED', /login shell/);
  });

  test("a service's account (a system uid agent-user did not make) and root are refused", () => {
    const www: Account = { name: 'www-data', uid: 33, gid: 33, home: '/var/www', shell: '/usr/sbin/nologin' };
    refused(() => planAdd(facts({ agent: www, groups: [{ name: 'www-data', gid: 33, members: [] }] }), { name: 'www-data', owner: 'alice' }), 'DENIED', /system account \(uid 33\)/);
    refused(() => planAdd(facts({ agent: { ...BOT, uid: 0, gid: 0 } }), { name: 'bot', owner: 'alice' }), 'DENIED', /uid 0/);
  });

  test('an existing user without a group of its own is refused: sharing a project needs one', () => {
    refused(() => planAdd(facts({ agent: { ...BOT, uid: 1001, gid: 100 } }), { name: 'bot', owner: 'alice' }), 'DENIED', /group of its own/);
  });

  test('the owner must exist and must not be root', () => {
    refused(() => planAdd(facts({ owner: null }), { name: 'bot', owner: 'alice' }), 'USAGE', /no user "alice"/);
    refused(() => planAdd(facts({ owner: { ...ALICE, uid: 0 } }), { name: 'bot', owner: 'alice' }), 'USAGE', /uid 0/);
  });
});

describe('agent-user: what was asked', () => {
  test('bad agent names are refused before anything is read', () => {
    for (const name of ['', 'Bot', '-bot', '1bot', 'a.b', 'a b', '../x', 'x'.repeat(32), 'bot;rm']) {
      refused(() => parseAction(['add', name], false), 'INVALID_NAME', /not a safe user name/);
    }
    assert.deepEqual(parseAction(['add', 'claude-agent_2'], false), { action: 'add', name: 'claude-agent_2', removeHome: false });
  });

  test('an unknown subcommand, or --remove-home with add, is a usage error', () => {
    refused(() => parseAction(['create', 'bot'], false), 'USAGE', /unknown agent-user subcommand/);
    refused(() => parseAction(['add', 'bot'], true), 'USAGE', /--remove-home/);
  });

  test('the owner is --owner, else SUDO_USER; never missing, root, the agent itself or a path', () => {
    assert.equal(resolveOwner('alice', 'carol', 'bot'), 'alice');
    assert.equal(resolveOwner(undefined, 'carol', 'bot'), 'carol');
    refused(() => resolveOwner(undefined, undefined, 'bot'), 'USAGE', /neither --owner nor SUDO_USER/);
    refused(() => resolveOwner(undefined, 'root', 'bot'), 'USAGE', /never root/);
    refused(() => resolveOwner('bot', undefined, 'bot'), 'USAGE', /a user of its own/);
    refused(() => resolveOwner('..', undefined, 'bot'), 'INVALID_NAME', /not a user name/);
  });

  test('only root on Linux; the hint is the sudo command; macOS points to the README, Windows is not supported', () => {
    assert.doesNotThrow(() => requireLinuxRoot('linux', 0, { action: 'add', name: 'bot' }));
    assert.throws(
      () => requireLinuxRoot('linux', 1000, { action: 'add', name: 'bot' }),
      (e: unknown) => isDaemonError(e) && e.code === 'DENIED' && /sudo secrets agent-user add bot/.test(e.hint ?? ''),
    );
    assert.throws(() => requireLinuxRoot('darwin', 0, { action: 'add', name: 'bot' }), (e: unknown) => isDaemonError(e) && /Agents under their own user/.test(e.hint ?? ''));
    refused(() => requireLinuxRoot('win32', undefined, { action: 'add', name: 'bot' }), 'USAGE', /not supported on Windows/);
  });
});

describe('agent-user remove: the plan', () => {
  test("the person's last agent: the user, its group (the person kept it alive), the tmpfiles entry and the directory go; the agent group stays", () => {
    const plan = planRemove(setUp(), { name: 'bot', owner: 'alice', removeHome: false });
    assert.deepEqual(argvs(plan), ['userdel bot', 'groupdel bot']);
    assert.deepEqual(actions(plan).slice(2), [
      { kind: 'remove', path: '/etc/tmpfiles.d/agent-secrets-alice.conf' },
      { kind: 'remove', path: '/run/agent-secrets/alice' },
    ]);
    assert.ok(plan.notes.some((n) => /kept the group agent-secrets/.test(n)));
  });

  test('--remove-home deletes the home too', () => {
    assert.equal(argvs(planRemove(setUp(), { name: 'bot', owner: 'alice', removeHome: true }))[0], 'userdel --remove bot');
  });

  test("while the person has other agents, the directory and the tmpfiles entry stay; another person's agents do not count", () => {
    const theirs = planRemove(setUp([{ name: 'bot2', gid: 991, members: ['alice'] }], ['bot', 'bot2']), { name: 'bot', owner: 'alice', removeHome: false });
    assert.deepEqual(argvs(theirs), ['userdel bot', 'groupdel bot']);
    assert.equal(actions(theirs).length, 2);
    assert.ok(theirs.notes.some((n) => /kept \/run\/agent-secrets\/alice and .*other agents \(bot2\)/.test(n)));

    const carols = planRemove(setUp([{ name: 'cbot', gid: 992, members: ['carol'] }], ['bot', 'cbot']), { name: 'bot', owner: 'alice', removeHome: false });
    assert.equal(actions(carols).length, 4);
  });

  test('a live socket keeps the directory, and the note says to stop the daemon first', () => {
    const plan = planRemove({ ...setUp(), liveSocket: true }, { name: 'bot', owner: 'alice', removeHome: false });
    assert.deepEqual(actions(plan).at(-1), { kind: 'remove', path: '/etc/tmpfiles.d/agent-secrets-alice.conf' });
    assert.ok(plan.notes.some((n) => /still listens on \/run\/agent-secrets\/alice\/agents\.sock; stop the daemon/.test(n)));
  });

  test('userdel deletes the group itself when nobody else is in it', () => {
    const alone = setUp();
    alone.groups = alone.groups.map((g) => (g.name === 'bot' ? { ...g, members: [] } : g));
    assert.deepEqual(argvs(planRemove(alone, { name: 'bot', owner: 'alice', removeHome: false })), ['userdel bot']);
  });

  test('a user agent-user would not have made is refused', () => {
    const bob: Account = { name: 'bob', uid: 1001, gid: 1001, home: '/home/bob', shell: '/bin/bash' };
    refused(() => planRemove(facts({ agent: bob }), { name: 'bob', owner: 'alice', removeHome: false }), 'DENIED', /not an agent user/);
    refused(() => planRemove(facts({ agent: BOT }), { name: 'bot', owner: 'alice', removeHome: false }), 'DENIED', /not an agent user/);
  });

  test('run again, it finds nothing left to do', () => {
    const plan = planRemove(facts({ groups: [{ name: 'agent-secrets', gid: AGENT_GROUP_GID, members: [] }] }), { name: 'bot', owner: 'alice', removeHome: false });
    assert.deepEqual(actions(plan), []);
    assert.deepEqual(plan.steps.map((s) => s.description), ['there is no user bot', 'there is no /etc/tmpfiles.d/agent-secrets-alice.conf', 'there is no /run/agent-secrets/alice']);
  });
});

describe('agent-user: reading the system', () => {
  test('passwd and group lines, login.defs and /proc/net/unix', () => {
    assert.deepEqual(parsePasswd('bot:x:990:990::/home/bot:/usr/sbin/nologin\n'), [BOT]);
    assert.deepEqual(parseGroups('agent-secrets:x:980:bot,bot2\nbot:x:990:\n'), [
      { name: 'agent-secrets', gid: 980, members: ['bot', 'bot2'] },
      { name: 'bot', gid: 990, members: [] },
    ]);
    assert.deepEqual(loginDefs('# c\nUID_MIN\t\t\t 500\nUSERGROUPS_ENAB no\n'), { uidMin: 500, userGroupsEnabled: false });
    assert.deepEqual(loginDefs(null), { uidMin: 1000, userGroupsEnabled: true });
    const unix = 'Num       RefCount Protocol Flags    Type St Inode Path\n0000: 00000002 00000000 00010000 0001 01 123 /run/agent-secrets/alice/agents.sock\n';
    assert.equal(socketIsListed(unix, '/run/agent-secrets/alice/agents.sock'), true);
    assert.equal(socketIsListed(unix, '/run/agent-secrets/al/agents.sock'), false);
  });
});
