/**
 * The agent socket's decisions as plain functions: who gets past the accept (admission.ts), which
 * events an agent sees (agent-events.ts), and what the dispatch refuses a caller on that socket
 * (agent-rights.ts) whatever the store's protection.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { agentsOnly, sameUserOnly } from '../../electron/daemon/server/admission.js';
import { eventForAgent } from '../../electron/daemon/server/agent-events.js';
import { BURST_MS, NAMED_AT_MOST } from '../../electron/daemon/server/agent-proof-audit.js';
import { createDispatch, type Dispatch } from '../../electron/daemon/server/dispatch.js';
import { createHandlers } from '../../electron/daemon/server/handlers.js';
import { makeEvent } from '../../electron/daemon/events.js';
import type { Caller } from '../../electron/daemon/callers/caller.js';
import type { VerifiedIdentity } from '../../electron/daemon/callers/peer-identity.js';
import { DaemonError } from '../../shared/errors.js';
import { AGENT_SOCKET_METHODS, METHODS, type MethodName } from '../../shared/protocol.js';
import { EVENT_TYPES, type EventType } from '../../shared/records.js';
import { type TestCore, createTestCore } from '../helpers/core.js';
import { addFakeProcess } from '../helpers/fake-proc.js';
import { freshDirs } from '../helpers/temp-dirs.js';

const refused = (code: string, pattern: RegExp = /./) => (error: unknown) => error instanceof DaemonError && error.code === code && pattern.test(error.message);

describe('admission', () => {
  const freshDir = freshDirs('as-admission-');
  const AGENTS_GID = 990;

  test('the agent socket admits a listed uid, and a member of the group by its supplementary groups or its Gid line', () => {
    const proc = freshDir();
    addFakeProcess(proc, { pid: 10, gids: [1002, 1002, 1002, 1002], groups: [27, AGENTS_GID, 1002] });
    addFakeProcess(proc, { pid: 11, gids: [AGENTS_GID, AGENTS_GID, AGENTS_GID, AGENTS_GID], groups: [] });
    const admit = agentsOnly({ uids: [1500], gid: AGENTS_GID, group: 'agent-secrets', proc });
    // Listed: admitted without its groups being read (pid 99 has no /proc entry at all).
    assert.doesNotThrow(() => admit({ uid: 1500, pid: 99 }));
    assert.doesNotThrow(() => admit({ uid: 1002, pid: 10 }), 'member by Groups:');
    assert.doesNotThrow(() => admit({ uid: 1003, pid: 11 }), 'member by Gid:');
  });

  test('anyone else is refused, named by uid and group, with the command that admits an agent user', () => {
    const proc = freshDir();
    addFakeProcess(proc, { pid: 12, gids: [1004, 1004, 1004, 1004], groups: [27, 1004] });
    const admit = agentsOnly({ uids: [1500], gid: AGENTS_GID, group: 'agent-secrets', proc });
    const outsider = (error: unknown) =>
      refused('DENIED', /uid 1004 .*agent-secrets/)(error) && /sudo secrets agent-user add/.test((error as DaemonError).hint ?? '');
    assert.throws(() => admit({ uid: 1004, pid: 12 }), outsider);
    assert.throws(() => admit({ uid: 1004, pid: 4_000_000 }), refused('DENIED', /uid 1004/), 'a process already gone holds no group');
    // Without the group only the listed uids get in, whatever groups a process holds.
    const noGroup = agentsOnly({ uids: [1500], gid: null, group: 'agent-secrets', proc });
    addFakeProcess(proc, { pid: 13, groups: [AGENTS_GID] });
    assert.throws(() => noGroup({ uid: 1002, pid: 13 }), refused('DENIED'));
  });

  test('unreadable credentials: never served on the agent socket, served on the owner\'s (it was started to)', () => {
    assert.throws(() => agentsOnly({ uids: [1500], gid: AGENTS_GID, group: 'agent-secrets' })(null), refused('DENIED', /kernel identifies/));
    const own = sameUserOnly(1000);
    assert.doesNotThrow(() => own(null));
    assert.doesNotThrow(() => own({ uid: 1000, pid: 5 }));
    assert.throws(() => own({ uid: 1001, pid: 5 }), refused('DENIED', /other users .*uid 1001/));
  });
});

describe('events an agent sees', () => {
  const MINE = 'user bot (uid 1002): /usr/bin/node /srv/bot.js';
  const lease = (launcher: string) => ({ lease_id: 'L-1', secret_name: 'token', client_id: 'bot', launcher, status: 'active' });

  /** Every event type, classified: a new one fails to compile (and to run) until someone decides. */
  const SEEN: Record<EventType, 'own leases' | 'reason only' | 'as is' | 'never'> = {
    'lease.granted': 'own leases',
    'lease.renewed': 'own leases',
    'lease.revoked': 'own leases',
    'lease.expired': 'own leases',
    'secret.changed': 'never',
    'audit.appended': 'never',
    'daemon.stopping': 'as is',
    'approval.requested': 'never',
    'approval.decided': 'never',
    'client.changed': 'never',
    'rotate.completed': 'never',
    'rotate.failed': 'never',
    'killswitch.engaged': 'reason only',
    'killswitch.disengaged': 'as is',
    'confirmation.requested': 'never',
    'confirmation.decided': 'never',
  };

  test('every event type is classified, and each class is shown as it says', () => {
    for (const type of EVENT_TYPES) {
      const rule = SEEN[type];
      assert.ok(rule !== undefined, `${type} is not classified`);
      // Every event carries what would tempt a leak: the agent's own lease and everyone's counts.
      const event = makeEvent(type, { reason: 'r', lease: lease(MINE), revoked: 7, processes_signalled: 3 }, 0);
      const seen = eventForAgent(event, MINE);
      switch (rule) {
        case 'own leases':
          assert.deepEqual(seen, event, type);
          assert.equal(eventForAgent(makeEvent(type, { lease: lease('/usr/bin/claude') }, 0), MINE), null, `${type} of another launcher`);
          assert.equal(eventForAgent(makeEvent(type, {}, 0), MINE), null, `${type} without a lease`);
          break;
        case 'reason only':
          assert.deepEqual(seen, { ...event, data: { reason: 'r' } }, type);
          break;
        case 'as is':
          assert.deepEqual(seen, event, type);
          break;
        case 'never':
          assert.equal(seen, null, type);
          break;
      }
    }
    assert.deepEqual(Object.keys(SEEN).sort(), [...EVENT_TYPES].sort(), 'no stale entries either');
  });
});

describe('the dispatch on the agent socket', () => {
  let t: TestCore;
  let dispatch: Dispatch;
  beforeEach(async () => {
    // No passphrase: on the owner's socket every caller is admin; on the agent socket none is.
    t = await createTestCore();
    dispatch = createDispatch(t.core, createHandlers(t.core));
    await t.core.secrets.add({ name: 'token', value: 's3cret' });
  });
  afterEach(() => t.dispose());

  const BOT = 'user bot (uid 1002): /usr/bin/node /srv/bot.js';
  const identity = (launcher_key: string, uid: number): VerifiedIdentity => ({
    uid,
    pid: 4242,
    start_time: 1,
    exe: null,
    cwd: null,
    argv: ['node', '/srv/bot.js'],
    parents: [],
    launcher: null,
    launcher_key,
    user: 'bot',
    limited: 'runs as another user',
  });
  const agent = (extra: Partial<Caller> = {}): Caller => ({ transport: 'agent-socket', identity: () => identity(BOT, 1002), ...extra });

  test('every method outside the agent set does not exist there, whatever its params', async () => {
    const others = (Object.keys(METHODS) as MethodName[]).filter((method) => !AGENT_SOCKET_METHODS.has(method));
    assert.ok(others.length > 0);
    for (const method of others) {
      await assert.rejects(dispatch(agent(), method, {}), refused('METHOD_NOT_FOUND', /does not exist on the agent socket/), method);
    }
    assert.deepEqual(await dispatch(agent(), 'health', {}).then((r) => (r as { ok: boolean }).ok), true, 'an agent method is served');
  });

  test('an admin proof is refused and audited, on any method', async () => {
    const proof = { challenge: 'c', proof: 'p' };
    await assert.rejects(dispatch(agent({ proof }), 'status', {}), refused('DENIED', /not accepted on the agent socket/));
    await assert.rejects(dispatch(agent({ proof }), 'secrets.add', { name: 'x', value: 'y' }), refused('DENIED'));
    const started = t.core.audit.query({ action: 'admin.denied' });
    assert.equal(started.length, 1, 'the first proof of a burst is audited at once');
    assert.deepEqual(started[0]!.detail, { method: 'status', reason: 'agent_socket', launcher: BOT, burst: 'started' });
    t.clock.advance(BURST_MS);
    const ended = t.core.audit.query({ action: 'admin.denied' });
    assert.equal(ended.length, 2);
    assert.deepEqual(ended[1]!.detail, { reason: 'agent_socket', burst: 'ended', refused: 2, methods: ['status', 'secrets.add'], launchers: [BOT], named_at_most: NAMED_AT_MOST });
    assert.equal(t.core.secrets.exists('x'), false);
  });

  test('a flood of proofs from made-up launchers writes two entries a burst, not one a proof', async () => {
    const proof = { challenge: 'c', proof: 'p' };
    const flood = (from: number) =>
      Array.from({ length: 2000 }, (_, i) => {
        const launcher = `user bot (uid 1002): /tmp/fake-${from + i}`;
        return dispatch({ transport: 'agent-socket', proof, identity: () => identity(launcher, 1002) }, 'status', {}).catch((error: unknown) => error);
      });
    const answers = await Promise.all(flood(0));
    assert.ok(answers.every((answer) => answer instanceof DaemonError && answer.code === 'DENIED'));
    t.clock.advance(BURST_MS);
    await Promise.all(flood(2000));
    // The second burst is cut short by the daemon stopping: its count is written all the same.
    const dbPath = t.core.dbPath;
    await t.core.close();
    const dir = t.dir;
    t = { ...t, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare("SELECT entry FROM audit WHERE action = 'admin.denied' ORDER BY id").all() as { entry: string }[];
    db.close();
    const entries = rows.map((row) => JSON.parse(row.entry) as { detail: { burst: string; refused?: number; launchers?: string[] } });
    assert.deepEqual(entries.map((entry) => [entry.detail.burst, entry.detail.refused ?? 1]), [['started', 1], ['ended', 2000], ['started', 1], ['ended', 2000]]);
    assert.equal(entries[1]!.detail.launchers!.length, NAMED_AT_MOST, 'a flood names a few launchers, not every made-up one');
  });

  test('the killswitch takes only its plain form there', async () => {
    for (const params of [{ wipe: true }, { rotate: true }]) {
      await assert.rejects(dispatch(agent(), 'killswitch.engage', params), refused('DENIED', /needs the store's owner/), JSON.stringify(params));
    }
    assert.equal(t.core.killswitch.state().engaged, false);
    assert.equal(t.core.secrets.exists('token'), true, 'nothing wiped');
    await dispatch(agent(), 'killswitch.engage', { reason: 'agent saw something' });
    assert.equal(t.core.killswitch.state().engaged, true);
  });

  test('an agent is never admin, even where the store has no passphrase: it lists only its own leases', async () => {
    const mine = await t.core.leases.grant({ secret_name: 'token', client_id: 'bot', verified: { pid: 4242, launcher_key: BOT } });
    const theirs = await t.core.leases.grant({ secret_name: 'token', client_id: 'bot', verified: { pid: 7, launcher_key: '/usr/bin/claude' } });
    const ids = (result: unknown) => (result as { leases: { lease_id: string }[] }).leases.map((l) => l.lease_id).sort();
    assert.deepEqual(ids(await dispatch(agent(), 'lease.list', {})), [mine.lease_id]);
    const person: Caller = { transport: 'socket', identity: () => identity('/usr/bin/bash', 0) };
    assert.deepEqual(ids(await dispatch(person, 'lease.list', {})), [mine.lease_id, theirs.lease_id].sort(), 'the same store makes its owner admin');
    await assert.rejects(dispatch(agent(), 'lease.revoke', { lease_id: theirs.lease_id }), refused('LEASE_NOT_FOUND'), "another's lease does not exist for it");
  });
});
