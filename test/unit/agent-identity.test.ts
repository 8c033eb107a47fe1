/**
 * A caller of another user, as the daemon names it and what that name is worth: its chain ends where
 * its user does, it is named by its user first with nothing read from its environment, a grant for
 * "any launcher" does not reach it, another's lease does not exist for it. And how an agent's CLI
 * finds its socket, and how config.json's `agents` is checked.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { chooseSocket, isAgentSocket, reachableAgentSockets } from '../../electron/cli/socket-choice.js';
import { daemonNotRunning } from '../../electron/cli/rpc-client.js';
import { OTHER_USER_LIMITS, describePeer } from '../../electron/daemon/callers/peer-identity.js';
import { userName } from '../../electron/daemon/callers/os-accounts.js';
import { processChain } from '../../electron/daemon/callers/process-tree.js';
import { parseConfig } from '../../electron/daemon/config.js';
import { DaemonError } from '../../shared/errors.js';
import { agentSocketRoot } from '../../shared/locations.js';
import { type TestCore, createTestCore } from '../helpers/core.js';
import { addFakeProcess } from '../helpers/fake-proc.js';
import { freshDirs } from '../helpers/temp-dirs.js';

const PERSON = 0;
/** An existing uid other than root's, so its name comes from this machine's /etc/passwd. */
const AGENT = 65534;
const AGENT_NAME = `user ${userName(AGENT) ?? '?'} (uid ${AGENT})`;
const CLI = ['/usr/bin/node', '/usr/lib/node_modules/agent-secrets/bin/secrets', 'lease', 'token'];
const BOT = '/usr/bin/node /srv/bot/agent.js';

describe('a caller of another user', { skip: process.getuid?.() !== 0 && 'its /proc directories are chowned to stand for their users (root)' }, () => {
  const freshDir = freshDirs('as-identity-');

  /**
   * The person's claude runs `sudo -u bot`; under it the agent user runs its own node agent (with code
   * preloaded through its environment), a shell, and the secrets CLI; and, beside it, a shell started
   * straight from sudo with no agent program of its own.
   */
  const agentTree = () => {
    const proc = freshDir();
    addFakeProcess(proc, { pid: 100, ppid: 1, uid: PERSON, argv: ['/usr/bin/claude'] });
    addFakeProcess(proc, { pid: 150, ppid: 100, uid: PERSON, argv: ['/usr/bin/sudo', '-u', 'bot', '-i'] });
    addFakeProcess(proc, { pid: 200, ppid: 150, uid: AGENT, argv: ['/usr/bin/node', '/srv/bot/agent.js'], environ: { NODE_OPTIONS: '--require=/tmp/x.js' } });
    addFakeProcess(proc, { pid: 300, ppid: 200, uid: AGENT, argv: ['/bin/bash', '-c', 'secrets lease token'] });
    addFakeProcess(proc, { pid: 400, ppid: 300, uid: AGENT, argv: CLI });
    addFakeProcess(proc, { pid: 500, ppid: 150, uid: AGENT, argv: ['/bin/bash'] });
    addFakeProcess(proc, { pid: 600, ppid: 500, uid: AGENT, argv: CLI });
    return proc;
  };
  const pids = (chain: { pid: number }[]) => chain.map((p) => p.pid);

  test('its process chain ends at the first ancestor of another user; without an owner it goes to pid 1', () => {
    const proc = agentTree();
    assert.deepEqual(pids(processChain(400, proc, AGENT)), [400, 300, 200]);
    assert.deepEqual(pids(processChain(600, proc, AGENT)), [600, 500]);
    assert.deepEqual(pids(processChain(400, proc)), [400, 300, 200, 150, 100]);
    assert.deepEqual(pids(processChain(400, proc, PERSON)), [], 'not even the process itself when it is of another user');
    assert.deepEqual(pids(processChain(150, proc, PERSON)), [150, 100]);
  });

  test('it is named by its user first, limited, and its environment is not read', () => {
    const proc = agentTree();
    const agent = describePeer({ pid: 400, uid: AGENT }, null, proc, PERSON);
    assert.equal(agent.launcher_key, `${AGENT_NAME}: ${BOT}`);
    assert.doesNotMatch(agent.launcher_key, /NODE_OPTIONS|\/tmp\/x\.js/);
    assert.equal(agent.user, userName(AGENT));
    assert.equal(agent.limited, OTHER_USER_LIMITS);
    assert.deepEqual(pids(agent.parents), [300, 200], 'nothing of the person\'s session');
    // The same processes, seen by a daemon of that user: the environment is there and is read.
    const own = describePeer({ pid: 400, uid: AGENT }, null, proc, AGENT);
    assert.equal(own.launcher_key, `${BOT} [NODE_OPTIONS=--require /tmp/x.js]`);
    assert.equal(own.limited, null);
  });

  test('with no agent program of its own it is its user alone, never the person\'s launcher above sudo', () => {
    const agent = describePeer({ pid: 600, uid: AGENT }, null, agentTree(), PERSON);
    assert.equal(agent.launcher_key, AGENT_NAME);
    assert.equal(agent.launcher, null);
  });
});

describe('grants and leases for a caller of another user', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await createTestCore();
    await t.core.secrets.add({ name: 'token', value: 's3cret' });
  });
  afterEach(() => t.dispose());

  const AGENT_KEY = 'user bot (uid 1002)';
  const grant = (launcher: string | null) => t.core.grants.add({ client_id: 'bot', launcher, secrets: null, max_ttl_ms: null, expires_at: null, source: 'pre-approval' });
  const covered = (launcher: string) => t.core.grants.matching({ client_id: 'bot', launcher, secret_name: 'token' }).length > 0;

  test('a grant for any launcher covers the person\'s own programs, not an agent user\'s', () => {
    grant(null);
    assert.equal(covered('/usr/bin/claude'), true);
    assert.equal(covered(AGENT_KEY), false);
    assert.equal(covered(`${AGENT_KEY}: ${BOT}`), false);
    grant(AGENT_KEY);
    assert.equal(covered(AGENT_KEY), true, 'a grant naming it covers it');
    assert.equal(covered(`${AGENT_KEY}: ${BOT}`), false, 'and only it');
  });

  test("another launcher's lease does not exist for an agent user; to the person's own programs it is refused, naming its holder", async () => {
    const lease = await t.core.leases.grant({ secret_name: 'token', client_id: 'bot', verified: { pid: 7, launcher_key: '/usr/bin/claude' } });
    const failure = (holder: string | null, leaseId = lease.lease_id) => {
      try {
        t.core.leases.held(leaseId, holder);
      } catch (error) {
        assert.ok(error instanceof DaemonError);
        return { code: error.code, message: error.message, hint: error.hint };
      }
      return null;
    };
    const unknown = 'L-aaaaaaaaaaaaaaaa';
    const hidden = failure(AGENT_KEY)!;
    const none = failure(AGENT_KEY, unknown)!;
    assert.equal(hidden.code, 'LEASE_NOT_FOUND');
    assert.deepEqual(hidden, { ...none, message: none.message.replace(unknown, lease.lease_id) }, 'the same answer as for no lease at all');
    assert.equal(failure('/usr/bin/codex')!.code, 'DENIED');
    assert.match(failure('/usr/bin/codex')!.message, /taken by another program \(\/usr\/bin\/claude\)/);
    assert.equal(failure('/usr/bin/claude'), null, 'its holder');
    assert.equal(failure(null), null, 'an admin');
  });
});

describe('which socket the CLI talks to', () => {
  const freshDir = freshDirs('as-choice-');

  test('AGENT_SECRETS_SOCKET wins; then an existing data dir; then (none reachable) the own socket', (t) => {
    const dataDir = freshDir();
    assert.equal(chooseSocket(join(dataDir, 'absent'), { AGENT_SECRETS_SOCKET: '/mnt/host/agents.sock' }, 'linux'), '/mnt/host/agents.sock');
    assert.equal(chooseSocket(dataDir, {}, 'linux'), join(dataDir, 'daemon.sock'));
    assert.deepEqual(reachableAgentSockets('linux', 0), [], 'root is never an agent, though it may enter every directory');
    // The root of agent sockets is fixed per platform: on Linux, macOS's is absent, so none is reachable.
    if (existsSync(agentSocketRoot('darwin'))) return t.skip(`${agentSocketRoot('darwin')} exists here`);
    assert.equal(chooseSocket(join(dataDir, 'absent'), {}, 'darwin'), join(dataDir, 'absent', 'daemon.sock'));
  });

  test('an agent socket is told by its file name, and its silence is the person\'s daemon not serving agents', () => {
    assert.equal(isAgentSocket('/run/agent-secrets/me/agents.sock'), true);
    assert.equal(isAgentSocket('/home/me/.local/share/agent-secrets/daemon.sock'), false);
    assert.equal(isAgentSocket('/tmp/my-agents.sock'), false);
    assert.equal(isAgentSocket('agents.sock'), false);
    assert.match(daemonNotRunning('/run/agent-secrets/me/agents.sock').message, /the person's daemon is not serving agents/);
    assert.doesNotMatch(daemonNotRunning('/home/me/.local/share/agent-secrets/daemon.sock').message, /serving agents/);
  });
});

describe('config.json agents', () => {
  const rejects = (agents: unknown, pattern: RegExp) =>
    assert.throws(() => parseConfig({ agents }), (e: unknown) => e instanceof DaemonError && e.code === 'INVALID_CONFIG' && pattern.test(e.message), pattern.source);

  test('defaults: the default socket, the agent-secrets group, no uids', () => {
    assert.deepEqual(parseConfig({}).file.agents, { socket: null, group: 'agent-secrets', uids: [] });
    assert.deepEqual(parseConfig({ agents: { socket: '/srv/a/agents.sock', group: 'bots', uids: [1002, 100000] } }).file.agents, { socket: '/srv/a/agents.sock', group: 'bots', uids: [1002, 100000] });
  });

  test('bad values are refused, naming the field', () => {
    rejects({ socket: 'run/agents.sock' }, /agents\.socket: must be an absolute path/);
    rejects({ group: 'Agents' }, /agents\.group: must be a group name/);
    rejects({ group: 'a b' }, /agents\.group: must be a group name/);
    rejects({ uids: [0] }, /agents\.uids\.0: uid 0 \(root\) cannot be an agent/);
    rejects({ uids: [1002, 1.5] }, /agents\.uids\.1/);
    rejects({ uids: [-3] }, /agents\.uids\.0/);
    rejects({ gid: 5 }, /agents: unknown key\(s\) "gid"/);
  });
});
