import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Caller } from '../../electron/daemon/callers/caller.js';
import type { VerifiedIdentity } from '../../electron/daemon/callers/peer-identity.js';
import { DaemonError } from '../../shared/errors.js';
import { type TestCore, createTestCore } from '../helpers/core.js';
import { parseConfig } from '../../electron/daemon/config.js';

function callerFrom(launcher: string, pid = 4242): Caller & { notices: string[] } {
  const identity: VerifiedIdentity = { uid: 1000, pid, exe: '/usr/bin/node', cwd: '/w', argv: ['node', 'secrets'], parents: [], launcher: null, launcher_key: launcher, user: 'me', limited: null };
  const notices: string[] = [];
  return { transport: 'socket', identity: () => identity, notify: (method) => notices.push(method), notices };
}

const wish = (client_id: string, secret_name: string | string[] = 'token', ttlMs = 3_600_000) => ({ client_id, secret_names: [secret_name].flat(), ttlMs, reported_pid: null });
const settle = (p: Promise<unknown>) => p.then(() => 'allowed', (e: DaemonError) => e.code);
const flush = () => new Promise((r) => setImmediate(r));

describe('approval broker (fake clock)', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await createTestCore({ approval_timeout: '30s', approvals: { deny_cooldown: '60s', max_pending_per_client: 2 } });
  });
  afterEach(() => t.dispose());

  test('identical requests coalesce into one, and one decision releases every waiter', async () => {
    const caller = callerFrom('/usr/bin/node /agent.js');
    const first = settle(t.core.approvals.authorize(caller, wish('claude')));
    const second = settle(t.core.approvals.authorize(caller, wish('claude')));
    assert.equal(t.core.approvals.list().length, 1);
    assert.deepEqual(caller.notices, ['approval.pending', 'approval.pending']);
    t.core.approvals.approve(t.core.approvals.list()[0]!.request_id, {}, 'test');
    assert.deepEqual(await Promise.all([first, second]), ['allowed', 'allowed']);
    const again = settle(t.core.approvals.authorize(caller, wish('claude')));
    assert.equal(t.core.approvals.list().length, 1, 'allow once left no grant behind');
    t.core.approvals.close();
    assert.equal(await again, 'DENIED');
  });

  test('nobody deciding in time is a denial', async () => {
    const pending = settle(t.core.approvals.authorize(callerFrom('/bin/agent'), wish('slow')));
    t.clock.advance(29_999);
    await flush();
    assert.equal(t.core.approvals.list().length, 1);
    t.clock.advance(1);
    assert.equal(await pending, 'DENIED');
    assert.equal(t.core.approvals.list().length, 0);
    assert.equal(t.core.audit.query({ action: 'approval.decided' })[0]!.detail!.decision, 'timeout');
  });

  test('after a deny the same client and launcher are refused without asking until the cooldown ends', async () => {
    const caller = callerFrom('/bin/agent');
    const pending = settle(t.core.approvals.authorize(caller, wish('pushy')));
    t.core.approvals.deny(t.core.approvals.list()[0]!.request_id, 'test');
    assert.equal(await pending, 'DENIED');
    assert.equal(await settle(t.core.approvals.authorize(caller, wish('pushy'))), 'DENIED');
    assert.equal(t.core.approvals.list().length, 0, 'no new prompt during the cooldown');
    const other = settle(t.core.approvals.authorize(callerFrom('/bin/other-agent'), wish('pushy')));
    assert.equal(t.core.approvals.list().length, 1, 'another launcher is asked about');
    t.clock.advance(60_000);
    assert.equal(await other, 'DENIED', 'meanwhile the other launcher\'s request timed out');
    const later = settle(t.core.approvals.authorize(caller, wish('pushy')));
    assert.deepEqual(t.core.approvals.list().map((r) => r.verified?.launcher), ['/bin/agent'], 'asked again after the cooldown');
    t.core.approvals.close();
    await later;
  });

  test('a client has at most max_pending_per_client requests waiting', async () => {
    const caller = callerFrom('/bin/agent');
    const waits = ['a', 'b'].map((s) => settle(t.core.approvals.authorize(caller, wish('greedy', s))));
    assert.equal(await settle(t.core.approvals.authorize(caller, wish('greedy', 'c'))), 'DENIED');
    t.core.approvals.close();
    await Promise.all(waits);
  });

  test('a grant for a time covers the client and launcher; other launchers and secrets ask again', async () => {
    const caller = callerFrom('/usr/bin/node /a.js');
    const pending = settle(t.core.approvals.authorize(caller, wish('bot', 'token')));
    const otherSecret = settle(t.core.approvals.authorize(caller, wish('bot', 'other')));
    const { grant } = t.core.approvals.approve(t.core.approvals.list()[0]!.request_id, { for: '1h', scope: 'secret', max_ttl: '10m' }, 'test');
    assert.equal(grant!.launcher, '/usr/bin/node /a.js');
    assert.deepEqual(grant!.secrets, ['token']);
    assert.equal(await pending, 'DENIED', 'the waiting lease asked for 1h, more than the grant allows');
    assert.equal(t.core.approvals.list().length, 1, 'the request for another secret still waits');

    assert.equal(await settle(t.core.approvals.authorize(caller, wish('bot', 'token', 600_000))), 'allowed');
    assert.equal(await settle(t.core.approvals.authorize(caller, wish('bot', 'token', 3_600_000))), 'DENIED', 'over the max TTL');
    const fromElsewhere = settle(t.core.approvals.authorize(callerFrom('/usr/bin/node /b.js'), wish('bot', 'token')));
    const request = t.core.approvals.list().find((r) => r.verified?.launcher === '/usr/bin/node /b.js')!;
    assert.match(request.reason, /approved for \/usr\/bin\/node \/a\.js, but this request comes from \/usr\/bin\/node \/b\.js/);

    t.clock.advance(3_600_000);
    const expired = settle(t.core.approvals.authorize(caller, wish('bot', 'token', 600_000)));
    assert.ok(t.core.approvals.list().some((r) => r.client_id === 'bot' && r.secret_names[0] === 'token' && r.verified?.launcher === '/usr/bin/node /a.js'), 'asked again once the grant expired');
    t.core.approvals.close();
    await Promise.all([otherSecret, fromElsewhere, expired]);
  });

  test('a client that disconnects withdraws its wait; the request goes when nobody waits', async () => {
    const leaving = new AbortController();
    const staying = new AbortController();
    const first = settle(t.core.approvals.authorize({ ...callerFrom('/bin/agent'), signal: leaving.signal }, wish('flaky')));
    const second = settle(t.core.approvals.authorize({ ...callerFrom('/bin/agent'), signal: staying.signal }, wish('flaky')));
    leaving.abort();
    assert.equal(await first, 'DENIED');
    assert.equal(t.core.approvals.list().length, 1, 'another waiter still wants it');
    staying.abort();
    assert.equal(await second, 'DENIED');
    assert.equal(t.core.approvals.list().length, 0);
    assert.equal(t.core.audit.query({ action: 'approval.decided' })[0]!.detail!.decision, 'withdrawn');
  });

  test('several secrets asked for together make one request for those no grant covers', async () => {
    const caller = callerFrom('/usr/bin/node /deploy.js');
    t.core.grants.add({ client_id: 'project', launcher: null, secrets: ['a'], max_ttl_ms: null, expires_at: null, source: 'pre-approval' });
    const pending = settle(t.core.approvals.authorize(caller, wish('project', ['a', 'b', 'c'])));
    const [request] = t.core.approvals.list();
    assert.deepEqual(request!.secret_names, ['b', 'c']);
    const { grant } = t.core.approvals.approve(request!.request_id, { for: '1h' }, 'test');
    assert.deepEqual(grant!.secrets, ['b', 'c']);
    assert.equal(await pending, 'allowed');
    assert.equal(await settle(t.core.approvals.authorize(caller, wish('project', ['c', 'a', 'b']))), 'allowed', 'now covered without asking');
  });

  test('a grant for all secrets releases the client\'s other waiting requests', async () => {
    const caller = callerFrom('/bin/agent');
    const a = settle(t.core.approvals.authorize(caller, wish('wide', 'a')));
    const b = settle(t.core.approvals.authorize(caller, wish('wide', 'b')));
    t.core.approvals.approve(t.core.approvals.list()[0]!.request_id, { for: 'forever', scope: 'all' }, 'test');
    assert.deepEqual(await Promise.all([a, b]), ['allowed', 'allowed']);
    assert.equal(t.core.grants.list()[0]!.expires_at, null);
  });
});

describe('caps on requests waiting for a person (issue 8)', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await createTestCore({ approval_timeout: '30s', approvals: { max_pending: 8, max_pending_per_launcher: 3, max_pending_per_client: 2 } });
  });
  afterEach(() => t.dispose());

  const refusals = () => t.core.audit.query({ action: 'approval.refused' });

  test('the defaults: 32 in total, 5 per launcher, 5 per client id', () => {
    const { approvals } = parseConfig({}).file;
    assert.deepEqual([approvals.max_pending, approvals.max_pending_per_launcher, approvals.max_pending_per_client], [32, 5, 5]);
    assert.throws(() => parseConfig({ approvals: { max_pending: 0 } }), /approvals\.max_pending/);
    assert.throws(() => parseConfig({ approvals: { max_pending_per_launcher: 'many' } }), /approvals\.max_pending_per_launcher/);
  });

  test('invented client ids from one launcher fill only its share; another launcher is still asked about', async () => {
    const flooder = callerFrom('/usr/bin/node /tmp/flood.js');
    const waits = Array.from({ length: 50 }, (_, i) => settle(t.core.approvals.authorize(flooder, wish(`fake-${i}`))));
    assert.equal(t.core.approvals.list().length, 3, 'three wait, the per-launcher cap');
    const refused = await Promise.all(waits.slice(3));
    assert.deepEqual(new Set(refused), new Set(['DENIED']), 'the other 47 are refused at once');

    let error: DaemonError | undefined;
    await t.core.approvals.authorize(flooder, wish('fake-51')).catch((e: DaemonError) => (error = e));
    assert.match(error!.message, /this program \(\/usr\/bin\/node \/tmp\/flood\.js\) already has 3 requests waiting for a person/);
    assert.match(error!.hint!, /secrets requests/);

    const honest = settle(t.core.approvals.authorize(callerFrom('/usr/bin/node /home/me/agent.js'), wish('claude')));
    const request = t.core.approvals.list().find((r) => r.client_id === 'claude');
    assert.ok(request, 'the honest launcher\'s request waits for the person');
    t.core.approvals.approve(request.request_id, {}, 'test');
    assert.equal(await honest, 'allowed');
    t.core.approvals.close();
    await Promise.all(waits);
  });

  test('over the total cap every new request is refused, saying how many wait; the ones waiting stay; identical ones still coalesce', async () => {
    const launchers = ['/a', '/b', '/c'].map((l) => callerFrom(`/usr/bin/node ${l}.js`));
    const waits = launchers.flatMap((caller, n) => Array.from({ length: 3 }, (_, i) => settle(t.core.approvals.authorize(caller, wish(`c${n}-${i}`)))));
    assert.equal(t.core.approvals.list().length, 8, 'the total cap');
    assert.equal(await waits[8], 'DENIED');

    const late = callerFrom('/usr/bin/node /late.js');
    let error: DaemonError | undefined;
    await t.core.approvals.authorize(late, wish('late')).catch((e: DaemonError) => (error = e));
    assert.equal(error!.code, 'DENIED');
    assert.match(error!.message, /^8 requests are already waiting for a person/);
    assert.match(error!.hint!, /secrets requests/);

    const joined = settle(t.core.approvals.authorize(launchers[0]!, wish('c0-0')));
    assert.equal(t.core.approvals.list().length, 8, 'an identical request joins the waiting one, even at the cap');
    const first = t.core.approvals.list().find((r) => r.client_id === 'c0-0')!;
    t.core.approvals.approve(first.request_id, {}, 'test');
    assert.equal(await joined, 'allowed');
    assert.equal(await waits[0], 'allowed');

    const now = settle(t.core.approvals.authorize(late, wish('late')));
    assert.ok(t.core.approvals.list().some((r) => r.client_id === 'late'), 'a freed slot takes a new request');
    t.core.approvals.close();
    await Promise.all([...waits, now]);
  });

  test('a flood of refusals is audited once when it starts and once, as a count, when it ends', async () => {
    const flooder = callerFrom('/usr/bin/node /tmp/flood.js', 777);
    const waits = Array.from({ length: 203 }, (_, i) => settle(t.core.approvals.authorize(flooder, wish(`fake-${i}`))));
    await Promise.all(waits.slice(3));
    assert.equal(refusals().length, 1, 'one entry for 200 refusals so far');
    const [started] = refusals();
    assert.equal(started!.outcome, 'denied');
    assert.equal(started!.client_id, 'fake-3');
    assert.equal(started!.pid, 777);
    assert.deepEqual(started!.detail, { cap: 'launcher', waiting: 3, limit: 3, launcher: '/usr/bin/node /tmp/flood.js', burst: 'started' });

    t.core.approvals.deny(t.core.approvals.list()[0]!.request_id, 'test');
    const entries = refusals();
    assert.equal(entries.length, 2, 'the burst ended with the decision');
    assert.equal(entries[1]!.detail!.burst, 'ended');
    assert.equal(entries[1]!.detail!.refused, 200);
    assert.deepEqual(entries[1]!.detail!.launchers, ['/usr/bin/node /tmp/flood.js']);

    const refill = settle(t.core.approvals.authorize(flooder, wish('after-1')));
    assert.equal(t.core.approvals.list().length, 3, 'the freed slot was taken');
    assert.equal(await settle(t.core.approvals.authorize(flooder, wish('after-2'))), 'DENIED');
    assert.equal(refusals().length, 3, 'the next refusal starts a new burst, audited at once');
    assert.equal(refusals()[2]!.detail!.burst, 'started');
    t.core.approvals.close();
    assert.equal(refusals().length, 3, 'a burst of one needs no count');
    await Promise.all([...waits, refill]);
  });
});
