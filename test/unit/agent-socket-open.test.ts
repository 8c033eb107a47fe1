/**
 * Opening the agent socket from config.json: served with the mode and group that let exactly the
 * agents in, or not served with the reason a person can act on — and never a failure of the daemon.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { groupId } from '../../electron/daemon/callers/os-accounts.js';
import { createPeerVerifier } from '../../electron/daemon/callers/peer-identity.js';
import { parseConfig } from '../../electron/daemon/config.js';
import { agentSocketPath, openAgentSocket } from '../../electron/daemon/server/agent-socket.js';
import { createDispatch } from '../../electron/daemon/server/dispatch.js';
import { createHandlers } from '../../electron/daemon/server/handlers.js';
import type { RpcServer } from '../../electron/daemon/server/rpc-server.js';
import { DaemonError } from '../../shared/errors.js';
import { type TestCore, createTestCore } from '../helpers/core.js';
import { freshDirs } from '../helpers/temp-dirs.js';

const ownUid = process.getuid?.() ?? -1;
const isRoot = ownUid === 0;
const NOBODY = 65534;
const MISSING_GROUP = 'no-such-agents-group';
/** A group the test process does not hold (as root: the default mkdir group is root's). */
const OTHER_GROUP = 'nogroup';

/** The name of the group this process runs with: holding it, the test process passes as an agent. */
function ownGroupName(): string | null {
  for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && Number(id) === process.getgid?.()) return name;
  }
  return null;
}

describe('openAgentSocket', { skip: process.platform !== 'linux' && 'Linux peer credentials and /etc/group' }, () => {
  const freshDir = freshDirs('as-agentsock-');
  let t: TestCore;
  const servers: RpcServer[] = [];
  const clients: RpcClient[] = [];
  before(async () => {
    t = await createTestCore();
  });
  after(async () => {
    for (const client of clients) client.close();
    await Promise.all(servers.map((server) => server.close()));
    await t.dispose();
  });

  const open = async (agents: { socket?: string; group?: string; uids?: number[] }) => {
    const config = parseConfig({ agents });
    const serverOptions = { dispatch: createDispatch(t.core, createHandlers(t.core)), events: t.core.events, limits: config.server, peers: createPeerVerifier({ allowUnverified: false }) };
    const opened = await openAgentSocket(config, serverOptions, ownUid);
    if (opened?.server) servers.push(opened.server);
    return opened;
  };
  const connect = async (path: string) => {
    const client = await RpcClient.connect(path);
    clients.push(client);
    return client;
  };
  const notServing = (opened: Awaited<ReturnType<typeof open>>, pattern: RegExp) => {
    assert.equal(opened?.server, null);
    assert.equal(opened?.state.serving, false);
    assert.match(opened?.state.problem ?? '', pattern);
  };

  test('served to the group only (0660), in a directory it makes; an agent method answers, an admin one does not exist', async (ctx) => {
    const group = ownGroupName();
    if (group === null) return ctx.skip('this process\'s group has no name in /etc/group');
    const socket = join(freshDir(), 'made-by-config', 'agents.sock');
    const opened = await open({ socket, group });
    assert.deepEqual(opened?.state, { path: socket, serving: true, problem: null });
    assert.equal(statSync(socket).mode & 0o777, 0o660);
    assert.equal(statSync(socket).gid, process.getgid!());
    assert.equal(statSync(dirname(socket)).mode & 0o022, 0, 'the directory it made is not writable by agents');
    const client = await connect(socket);
    assert.equal((await client.call('health', {})).ok, true);
    await assert.rejects(client.call('secrets.add', { name: 'x', value: 'y' }), (e: unknown) => e instanceof DaemonError && e.code === 'METHOD_NOT_FOUND');
  });

  test('with agents.uids it is 0666 and the accept keeps out whoever is neither listed nor in the group', async () => {
    const socket = join(freshDir(), 'agents.sock');
    const opened = await open({ socket, group: MISSING_GROUP, uids: [NOBODY] });
    assert.equal(opened?.state.serving, true);
    assert.equal(statSync(socket).mode & 0o777, 0o666);
    const client = await connect(socket);
    await assert.rejects(client.call('health', {}), (e: unknown) => e instanceof DaemonError && e.code === 'DENIED' && new RegExp(`uid ${ownUid} may not use the agent socket`).test(e.message));
  });

  test('a directory of another user is refused, naming its owner', { skip: !isRoot && 'chown needs root' }, async () => {
    const dir = freshDir();
    chownSync(dir, NOBODY, NOBODY);
    const opened = await open({ socket: join(dir, 'agents.sock'), uids: [NOBODY] });
    notServing(opened, new RegExp(`belongs to uid ${NOBODY}, not to the daemon's user \\(${ownUid}\\).*sudo secrets agent-user add`));
    assert.equal(existsSync(join(dir, 'agents.sock')), false);
  });

  test('a directory its group or others may write is refused: an agent could replace the socket', async () => {
    for (const mode of [0o770, 0o757]) {
      const dir = freshDir();
      chmodSync(dir, mode);
      notServing(await open({ socket: join(dir, 'agents.sock'), uids: [NOBODY] }), /writable by its group or others.*chmod go-w/);
    }
  });

  test('the directories it makes let the agents\' group through, and give the socket that group', { skip: !isRoot && 'chgrp to a group the person is not in needs root' }, async (ctx) => {
    const gid = groupId(OTHER_GROUP);
    if (gid === null) return ctx.skip(`no group ${OTHER_GROUP} here`);
    const root = freshDir();
    const socket = join(root, 'made', 'by', 'config', 'agents.sock');
    assert.equal((await open({ socket, group: OTHER_GROUP }))?.state.serving, true);
    for (const level of ['made', 'made/by', 'made/by/config']) {
      const stat = statSync(join(root, level));
      assert.deepEqual({ gid: stat.gid, mode: stat.mode & 0o7777 }, { gid, mode: 0o2750 }, level);
    }
    assert.equal(statSync(root).gid, process.getgid!(), 'a directory that was there is left as it was');
    assert.equal(statSync(socket).gid, gid);
  });

  test('a directory it cannot make is reported, not thrown: the owner\'s socket must still start', async () => {
    const dir = freshDir();
    // A dangling symlink on the way: the directory reads as absent, and mkdir fails whoever runs it.
    symlinkSync(join(dir, 'gone'), join(dir, 'link'));
    notServing(await open({ socket: join(dir, 'link', 'sub', 'agents.sock'), uids: [NOBODY] }), /cannot make .*link\/sub: ENOENT.*agents\.socket/);
  });

  test('no group and no uids: nobody could connect, so it is not served', async () => {
    const socket = join(freshDir(), 'agents.sock');
    notServing(await open({ socket, group: MISSING_GROUP }), new RegExp(`no group ${MISSING_GROUP} and agents.uids is empty`));
    assert.equal(existsSync(socket), false);
  });

  test('a live socket is never displaced, and a file that is not a socket is left alone', async () => {
    const socket = join(freshDir(), 'agents.sock');
    assert.equal((await open({ socket, group: MISSING_GROUP, uids: [NOBODY] }))?.state.serving, true);
    notServing(await open({ socket, group: MISSING_GROUP, uids: [NOBODY] }), /already running on/);
    const file = join(freshDir(), 'agents.sock');
    writeFileSync(file, 'notes');
    notServing(await open({ socket: file, uids: [NOBODY] }), /is not a socket/);
    assert.equal(readFileSync(file, 'utf8'), 'notes');
  });

  test('a path too long for a Unix socket is reported with the config field to change', async () => {
    const socket = join(freshDir(), 'x'.repeat(120), 'agents.sock');
    notServing(await open({ socket, uids: [NOBODY] }), /too long.*agents\.socket in config\.json/);
    assert.equal(existsSync(dirname(socket)), false, 'nothing made for it');
  });

  test('without agents.socket it goes to the owner\'s directory under /run, and is not served when that is absent', async (ctx) => {
    const config = parseConfig({});
    assert.deepEqual(agentSocketPath(config, 'nosuchperson', 'linux'), { path: '/run/agent-secrets/nosuchperson/agents.sock', explicit: false });
    assert.deepEqual(agentSocketPath(config, 'me', 'darwin'), { path: '/Users/Shared/agent-secrets/me/agents.sock', explicit: false });
    const own = agentSocketPath(config).path;
    if (existsSync(dirname(own))) return ctx.skip(`${dirname(own)} exists on this machine`);
    assert.equal(await open({}), null);
    assert.equal(existsSync(dirname(own)), false, 'the default directory is never made by the daemon');
  });

  test('a directory made for the socket keeps the group-or-other write bits off even with a loose umask', async () => {
    const previous = process.umask(0);
    try {
      const socket = join(freshDir(), 'loose', 'agents.sock');
      assert.equal((await open({ socket, uids: [NOBODY], group: MISSING_GROUP }))?.state.serving, true);
      assert.equal(statSync(dirname(socket)).mode & 0o777, 0o750);
    } finally {
      process.umask(previous);
    }
  });
});
