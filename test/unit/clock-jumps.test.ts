/**
 * The wall clock set forward or back while the daemon runs (a fake clock whose wall, monotonic and boot
 * clocks move apart): leases and approval timeouts run by the monotonic clock, what people see is
 * re-dated, and the audit records the jump. Sleep is not a jump: leases age through it.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createDispatch } from '../../electron/daemon/server/dispatch.js';
import { createHandlers } from '../../electron/daemon/server/handlers.js';
import type { VerifiedIdentity } from '../../electron/daemon/callers/peer-identity.js';
import { JUMP_TOLERANCE_MS, WATCH_INTERVAL_MS } from '../../electron/daemon/steady-clock.js';
import type { DaemonEvent } from '../../shared/records.js';
import { type DaemonError, DaemonError as DaemonErrorClass } from '../../shared/errors.js';
import { type TestCore, createTestCore } from '../helpers/core.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('clock jumps (fake clock)', () => {
  let t: TestCore;
  let events: DaemonEvent[];
  beforeEach(async () => {
    t = await createTestCore({ max_lease_ttl: '24h', approval_timeout: '2m' });
    await t.core.secrets.add({ name: 'token', value: 's3cret' });
    events = [];
    t.core.events.subscribe((e) => events.push(e));
    t.core.start();
  });
  afterEach(() => t.dispose());

  const isActive = (leaseId: string) => t.core.leases.list({}).some((l) => l.lease_id === leaseId);
  const shownExpiry = (leaseId: string) => Date.parse(t.core.leases.list({}).find((l) => l.lease_id === leaseId)!.expires_at);
  const jumps = () => t.core.audit.query({ action: 'clock.jumped' });
  /** Lets the clock watch run once, as it does every WATCH_INTERVAL_MS. */
  const watch = () => t.clock.advance(WATCH_INTERVAL_MS);

  for (const [direction, delta] of [['forward', 2 * HOUR], ['back', -2 * HOUR]] as const) {
    test(`set ${direction} 2 h: a 1 h lease still ends after 1 h of monotonic time, shown re-dated, and the jump is audited`, async () => {
      const lease = await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '1h' });
      t.clock.advance(10 * MINUTE);
      t.clock.jump(delta);
      assert.ok(isActive(lease.lease_id), 'a decision between the jump and its noticing runs by the monotonic clock');
      watch();
      const [entry] = jumps();
      assert.equal(jumps().length, 1);
      assert.equal(entry!.detail!.delta_ms, delta);
      assert.equal(entry!.detail!.direction, delta > 0 ? 'forward' : 'backward');
      assert.equal(entry!.detail!.leases_redated, 1);
      const left = 50 * MINUTE - WATCH_INTERVAL_MS;
      assert.equal(shownExpiry(lease.lease_id) - t.clock.now(), left, 'shown expiry = the new wall clock + the time left');
      const redated = events.find((e) => e.type === 'lease.renewed' && e.data.reason === 'clock jumped');
      assert.equal((redated?.data.lease as { expires_at: string }).expires_at, new Date(t.clock.now() + left).toISOString(), 'the window is told');
      assert.equal(t.core.leases.renew(lease.lease_id, '1m').lease.lease_id, lease.lease_id, 'its holder can still renew it');
      t.clock.advance(MINUTE - 1);
      assert.ok(isActive(lease.lease_id));
      t.clock.advance(1);
      assert.ok(!isActive(lease.lease_id), 'ended on time by the monotonic clock');
      assert.equal(t.core.audit.query({ action: 'lease.expired' }).length, 1);
      assert.equal((await t.core.verifyAudit()).ok, true);
    });
  }

  test('a renewal cannot reach past grant time + the longest TTL by setting the clock back', async () => {
    const lease = await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '1h' });
    t.clock.jump(-10 * HOUR);
    watch();
    const renewed = t.core.leases.renew(lease.lease_id, '24h');
    assert.equal(renewed.capped, true);
    assert.equal(Date.parse(renewed.lease.expires_at) - t.clock.now(), 24 * HOUR - WATCH_INTERVAL_MS);
  });

  test('a request notices the jump before it is answered, without waiting for the watch', async () => {
    await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '1h' });
    t.clock.jump(HOUR);
    const dispatch = createDispatch(t.core, createHandlers(t.core));
    const { leases } = (await dispatch({ transport: 'socket' }, 'lease.list', {})) as { leases: { expires_at: string }[] };
    assert.equal(jumps().length, 1);
    assert.equal(Date.parse(leases[0]!.expires_at) - t.clock.now(), HOUR);
  });

  test('a waiting approval request times out after its timeout of monotonic time, its expiry re-dated', async () => {
    const identity: VerifiedIdentity = { uid: 1000, pid: 42, exe: '/usr/bin/node', cwd: '/w', argv: ['node'], parents: [], launcher: null, launcher_key: '/bin/agent', user: 'me', limited: null };
    const waiting = t.core.approvals.authorize({ transport: 'socket', identity: () => identity }, { client_id: 'new', secret_names: ['token'], ttlMs: HOUR, reported_pid: null }).then(
      () => 'allowed',
      (e: DaemonError) => e.code,
    );
    t.clock.jump(HOUR);
    watch();
    assert.equal(jumps()[0]!.detail!.requests_redated, 1);
    const [request] = t.core.approvals.list();
    assert.equal(Date.parse(request!.expires_at) - t.clock.now(), 2 * MINUTE - WATCH_INTERVAL_MS);
    assert.ok(events.some((e) => e.type === 'approval.requested' && e.data.reason === 'clock jumped'), 'the windows are told');
    t.clock.jump(-3 * HOUR);
    t.clock.advance(2 * MINUTE - WATCH_INTERVAL_MS - 1);
    assert.equal(t.core.approvals.list().length, 1);
    t.clock.advance(1);
    assert.equal(await waiting, 'DENIED', 'timed out on time, not 3 h late');
    assert.equal(jumps().length, 2);
  });

  test("a grant keeps the time it had left, and an expired one stays expired, whichever way the clock is set", async () => {
    const want = { client_id: 'a', launcher: '/bin/agent', secret_name: 'token' };
    const source = 'approval' as const;
    t.core.grants.add({ client_id: 'a', launcher: null, secrets: null, max_ttl_ms: null, expires_at: t.clock.now() + HOUR, source });
    t.core.grants.add({ client_id: 'old', launcher: null, secrets: null, max_ttl_ms: null, expires_at: t.clock.now() + 10 * MINUTE, source });
    t.clock.advance(30 * MINUTE);
    assert.equal(t.core.grants.matching({ ...want, client_id: 'old' }).length, 0, 'expired before the jump');
    t.clock.jump(-2 * HOUR);
    watch();
    assert.equal(jumps()[0]!.detail!.grants_redated, 2);
    assert.equal(t.core.grants.matching({ ...want, client_id: 'old' }).length, 0, 'setting the clock back does not bring an expired grant back');
    assert.ok(events.some((e) => e.type === 'client.changed' && e.data.reason === 'clock jumped'), 'the window is told');
    t.clock.jump(2 * HOUR);
    watch();
    assert.equal(t.core.grants.matching(want).length, 1, 'setting it forward does not end a grant early');
    t.clock.advance(30 * MINUTE - 2 * WATCH_INTERVAL_MS - 1);
    assert.equal(t.core.grants.matching(want).length, 1);
    t.clock.advance(1);
    assert.equal(t.core.grants.matching(want).length, 0, 'it ends after its hour of time, not of wall clock');
  });

  test('a deny cooldown keeps the time it had left when the clock is set', async () => {
    const identity: VerifiedIdentity = { uid: 1000, pid: 42, exe: '/usr/bin/node', cwd: '/w', argv: ['node'], parents: [], launcher: null, launcher_key: '/bin/agent', user: 'me', limited: null };
    const ask = () =>
      t.core.approvals.authorize({ transport: 'socket', identity: () => identity }, { client_id: 'pushy', secret_names: ['token'], ttlMs: HOUR, reported_pid: null }).then(
        () => 'allowed',
        (e: DaemonError) => e.message,
      );
    const first = ask();
    t.core.approvals.deny(t.core.approvals.list()[0]!.request_id, 'test');
    await first;
    const cooldown = t.core.config.denyCooldownMs;
    assert.ok(cooldown > WATCH_INTERVAL_MS, 'the default cooldown outlasts one watch');
    t.clock.jump(10 * HOUR);
    watch();
    assert.equal(jumps()[0]!.detail!.cooldowns_redated, 1);
    assert.match(await ask(), /refused for another/, 'setting the clock forward does not end the cooldown');
    t.clock.advance(cooldown - WATCH_INTERVAL_MS);
    const after = ask();
    assert.equal(t.core.approvals.list().length, 1, 'after its time, the client may ask the person again');
    t.core.approvals.deny(t.core.approvals.list()[0]!.request_id, 'test');
    await after;
  });

  test('a jump the disk will not record: every request is still served on the time the daemon had, and the jump is taken in once it can be', async () => {
    const lease = await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '1h' });
    const dispatch = createDispatch(t.core, createHandlers(t.core));
    const run = t.core.journal.run.bind(t.core.journal);
    // The disk refuses every write, as when it is full.
    t.core.journal.run = () => {
      throw new DaemonErrorClass('DISK_FULL', 'no space left on the device', 'free some space');
    };
    t.clock.jump(HOUR);
    const { leases } = (await dispatch({ transport: 'socket' }, 'lease.list', {})) as { leases: { lease_id: string }[] };
    assert.deepEqual(leases.map((l) => l.lease_id), [lease.lease_id], 'a read is served');
    assert.equal(jumps().length, 0);
    t.core.journal.run = run;
    watch();
    assert.equal(jumps().length, 1, 'taken in at the next look');
    assert.equal(shownExpiry(lease.lease_id) - t.clock.now(), HOUR - WATCH_INTERVAL_MS);
  });

  test('leases due while the clock moved and the disk refused to close them are closed when it takes writes again', async () => {
    const lease = await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '1h' });
    // The manager's own closing step, made to fail as a full disk fails it.
    const leases = t.core.leases as unknown as { expireDue(): number };
    const expireDue = leases.expireDue.bind(leases);
    let refusals = 0;
    leases.expireDue = () => {
      refusals++;
      throw new DaemonErrorClass('DISK_FULL', 'no space left on the device', 'free some space');
    };
    t.clock.sleep(2 * HOUR);
    watch();
    assert.ok(refusals > 0, 'closing was tried');
    leases.expireDue = expireDue;
    t.clock.advance(5_000);
    assert.ok(!isActive(lease.lease_id), 'closed by the retry, not left open until a request touches it');
  });

  test('drift within the tolerance is no jump: nothing is re-dated or audited', async () => {
    const lease = await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '1h' });
    const expiry = shownExpiry(lease.lease_id);
    t.clock.jump(JUMP_TOLERANCE_MS);
    watch();
    t.clock.jump(-2 * JUMP_TOLERANCE_MS);
    watch();
    assert.equal(jumps().length, 0);
    assert.equal(shownExpiry(lease.lease_id), expiry);
    assert.ok(!events.some((e) => e.data.reason === 'clock jumped'));
  });

  test('sleep is time that passed: a lease whose time came while the machine slept ends on waking, unaudited as a jump', async () => {
    const short = await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '1h' });
    const long = await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '3h' });
    t.clock.sleep(2 * HOUR);
    watch();
    assert.ok(!isActive(short.lease_id), 'its timer stood still through the sleep, yet it ended');
    assert.ok(isActive(long.lease_id));
    assert.equal(shownExpiry(long.lease_id), Date.parse(long.expires_at), 'not re-dated');
    assert.equal(jumps().length, 0);
    t.clock.advance(HOUR - WATCH_INTERVAL_MS);
    assert.ok(!isActive(long.lease_id), 'the timer was re-armed for the time left after the sleep');
  });

  test('where the boot clock cannot be read, a forward move counts as sleep: a lease may end early, never late', async () => {
    t.clock.boot = null;
    const lease = await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '1h' });
    t.clock.jump(2 * HOUR);
    watch();
    assert.ok(!isActive(lease.lease_id));
    assert.equal(jumps().length, 0);
  });
});
