/**
 * The dead-man switch end to end: a real HTTP endpoint on loopback goes down, the daemon engages the
 * killswitch with the configured fail actions (revoke, rotate, wipe), read off the real store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoPlaintext } from '../helpers/plaintext.js';
import { waitUntil } from '../helpers/processes.js';
import { type TestStore, startedStore } from '../helpers/store.js';

let server: Server;
let store: TestStore;
let status = 200;

before(async () => {
  server = createServer((_req, res) => res.writeHead(status).end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  store = await startedStore({
    config: { heartbeat: { enabled: true, url: `http://127.0.0.1:${port}/health/SECRET-TOKEN`, interval: '150ms', timeout: '1s', failures_before_trigger: 3 } },
  });
  await store.admin(['add', 'token'], { input: 'heartbeat-value' });
});
after(async () => {
  server.close();
  await store.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('status shows the heartbeat without the URL path, and checks succeed while the endpoint is up', async () => {
  for (let i = 0; i < 50 && !(await store.cli(['status'])).json.data.heartbeat.last_ok; i++) await sleep(50);
  const heartbeat = (await store.cli(['status'])).json.data.heartbeat;
  assert.equal(heartbeat.enabled, true);
  assert.match(heartbeat.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(heartbeat.last_ok);
  assert.equal(heartbeat.consecutive_failures, 0);
  assert.equal((await store.cli(['lease', 'token', '--client-id', 'hb'])).stdout, 'heartbeat-value');
});

test('answering 500 counts as failing; after N consecutive failures the killswitch engages', async () => {
  const lease = (await store.cli(['lease', 'token', '--json', '--client-id', 'hb'])).json.data;
  status = 500;
  let data;
  for (let i = 0; i < 100; i++) {
    data = (await store.cli(['status'])).json.data;
    if (data.killswitch.engaged) break;
    await sleep(50);
  }
  assert.equal(data.killswitch.engaged, true);
  assert.equal(data.killswitch.reason, 'heartbeat: HTTP 500');
  assert.equal(data.heartbeat.triggered, true);
  const failures = (await store.cli(['audit', '--action', 'heartbeat.failed'])).json.data.entries;
  assert.equal(failures.length, 3, 'exactly N failures before the trigger');
  assert.deepEqual(failures.map((e: { detail: { consecutive_failures: number } }) => e.detail.consecutive_failures), [1, 2, 3]);
  assert.equal((await store.cli(['audit', '--action', 'heartbeat.triggered'])).json.data.entries.length, 1);
  assert.equal((await store.cli(['renew', lease.lease_id])).code, 6, 'fail_action revoke_all (default) revoked the lease');
  assert.equal((await store.cli(['lease', 'token', '--client-id', 'hb'])).code, 5);
  const audit = (await store.cli(['audit', '--jsonl', '--tail', '1000'])).stdout;
  assert.ok(!audit.includes('SECRET-TOKEN'), 'the URL path never reaches the audit log');
});

test('disengaging restarts the heartbeat from zero', async () => {
  status = 200;
  assert.equal((await store.admin(['killswitch', '--disengage'])).code, 0);
  await sleep(400);
  const heartbeat = (await store.cli(['status'])).json.data.heartbeat;
  assert.equal(heartbeat.triggered, false);
  assert.equal(heartbeat.consecutive_failures, 0);
  assert.equal((await store.cli(['lease', 'token', '--client-id', 'hb'])).stdout, 'heartbeat-value');
});

/**
 * Each fail action end to end (issue 8): a store whose heartbeat endpoint is a loopback server this
 * test owns; the server goes down (drops every connection unanswered) and the test reads the effect
 * off the real store. Two failures trigger, checked every 100 ms.
 */
describe('fail_action, when the endpoint goes down', () => {
  interface Watched {
    store: TestStore;
    /** From now on the endpoint drops every connection without an answer. */
    down(): void;
    /** The endpoint answers again (before disengaging: else the heartbeat engages it again). */
    up(): void;
    cleanup(): Promise<void>;
  }

  async function watchedStore(failAction: object, secrets: [string, string, string?][]): Promise<Watched> {
    let answering = true;
    const endpoint = createServer((req, res) => (answering ? res.writeHead(200).end('ok') : req.socket.destroy()));
    await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
    const { port } = endpoint.address() as AddressInfo;
    const watched = await startedStore({
      config: {
        rotation_timeout: '5s',
        heartbeat: { enabled: true, url: `http://127.0.0.1:${port}/alive`, interval: '100ms', timeout: '1s', failures_before_trigger: 2, fail_action: failAction },
      },
    });
    for (const [name, value, hook] of secrets) {
      const added = await watched.admin(['add', name, ...(hook ? ['--rotate-via', hook] : [])], { input: value });
      assert.equal(added.code, 0, added.stderr);
    }
    assert.ok(await waitUntil(async () => Boolean((await watched.cli(['status'])).json.data.heartbeat.last_ok), 10_000), 'the endpoint answered a check');
    return {
      store: watched,
      down: () => {
        answering = false;
      },
      up: () => {
        answering = true;
      },
      cleanup: async () => {
        endpoint.close();
        endpoint.closeAllConnections();
        await watched.cleanup();
      },
    };
  }

  async function engagedStatus(s: TestStore): Promise<any> {
    let data: any;
    const engaged = await waitUntil(async () => {
      data = (await s.cli(['status'])).json.data;
      return data.killswitch.engaged === true;
    }, 15_000);
    assert.ok(engaged, 'the heartbeat engaged the killswitch');
    assert.equal(data.heartbeat.triggered, true);
    assert.equal(data.killswitch.reason, 'heartbeat: ECONNRESET');
    return data;
  }

  async function engagedEntry(s: TestStore): Promise<any> {
    const entries = (await s.cli(['audit', '--action', 'killswitch.engaged', '--json'])).json.data.entries;
    assert.equal(entries.length, 1);
    return entries[0];
  }

  test('revoke_all: false locks without revoking: the lease stays active, new leases are refused', async () => {
    const w = await watchedStore({ revoke_all: false }, [['kept', 'kept-value-31']]);
    try {
      const lease = (await w.store.cli(['lease', 'kept', '--json', '--client-id', 'hb-holder'])).json.data;
      assert.equal(lease.value, 'kept-value-31');
      w.down();
      const status = await engagedStatus(w.store);
      assert.equal(status.counts.active_leases, 1, 'the lease was not revoked');
      const leases = (await w.store.cli(['leases', '--json'])).json.data.leases;
      assert.deepEqual(leases.map((l: { lease_id: string; status: string }) => [l.lease_id, l.status]), [[lease.lease_id, 'active']]);
      assert.equal((await engagedEntry(w.store)).detail.revoked_leases, 0);
      assert.equal((await w.store.cli(['audit', '--action', 'lease.revoked', '--json'])).json.data.entries.length, 0);
      const refused = await w.store.cli(['lease', 'kept', '--client-id', 'hb-holder']);
      assert.equal(refused.code, 5, 'locked: no new lease');
      assert.equal(refused.stdout, '');
    } finally {
      await w.cleanup();
    }
  });

  test('rotate_all: every rotation hook runs once, the old leases are revoked, a secret without a hook keeps its value', async () => {
    const marks = mkdtempSync(join(tmpdir(), 'as-hb-rotate-'));
    const hook = (name: string) => `echo ran >> '${join(marks, name)}'; echo "${name}-rotated-by-heartbeat"`;
    const w = await watchedStore({ rotate_all: true }, [
      ['first', 'first-before', hook('first')],
      ['second', 'second-before', hook('second')],
      ['plain', 'plain-before'],
    ]);
    try {
      const lease = (await w.store.cli(['lease', 'first', '--json', '--client-id', 'hb-rotate'])).json.data;
      assert.equal(lease.value, 'first-before');
      w.down();
      await engagedStatus(w.store);
      const entry = await engagedEntry(w.store);
      assert.equal(entry.detail.rotations_started, 2);
      assert.equal(entry.detail.revoked_leases, 1);
      const rotated = async () => (await w.store.cli(['audit', '--action', 'secret.rotated', '--json'])).json.data.entries.map((e: { secret_name: string }) => e.secret_name).sort();
      assert.ok(await waitUntil(async () => (await rotated()).length >= 2, 15_000), 'both hooks finished');
      assert.deepEqual(await rotated(), ['first', 'second']);
      for (const name of ['first', 'second']) assert.equal(readFileSync(join(marks, name), 'utf8'), 'ran\n', `${name}'s hook ran exactly once`);
      assert.equal(existsSync(join(marks, 'plain')), false);
      assert.deepEqual((await w.store.cli(['leases', '--json'])).json.data.leases, [], 'the lease on the old value was revoked');
      const revoked = (await w.store.cli(['audit', '--action', 'lease.revoked', '--json'])).json.data.entries;
      assert.deepEqual(revoked.map((e: { lease_id: string }) => e.lease_id), [lease.lease_id]);

      w.up();
      assert.equal((await w.store.admin(['killswitch', '--disengage'])).code, 0);
      for (const name of ['first', 'second']) {
        const rotatedLease = await w.store.cli(['lease', name, '--client-id', 'hb-rotate']);
        assert.equal(rotatedLease.stdout, `${name}-rotated-by-heartbeat`, rotatedLease.stderr);
      }
      const plain = await w.store.cli(['lease', 'plain', '--client-id', 'hb-rotate']);
      assert.equal(plain.stdout, 'plain-before', plain.stderr);
    } finally {
      await w.cleanup();
      rmSync(marks, { recursive: true, force: true });
    }
  });

  test('wipe_store: every value is destroyed, in no file any more, and nothing can be leased', async () => {
    const values = { wiped_one: 'wipe-me-one-8c1f2a', wiped_two: 'wipe-me-two-77d0e4' };
    const w = await watchedStore({ wipe_store: true }, Object.entries(values));
    try {
      assert.equal((await w.store.cli(['lease', 'wiped_one', '--client-id', 'hb-wipe'])).stdout, values.wiped_one);
      w.down();
      await engagedStatus(w.store);
      const entry = await engagedEntry(w.store);
      assert.equal(entry.detail.wiped_secrets, 2);
      assert.equal(entry.detail.wipe, true);
      assert.deepEqual((await w.store.cli(['list', '--json'])).json.data.secrets, []);
      assertNoPlaintext(w.store.home, values);
      w.up();
      assert.equal((await w.store.admin(['killswitch', '--disengage'])).code, 0);
      const gone = await w.store.cli(['lease', 'wiped_one', '--client-id', 'hb-wipe', '--json']);
      assert.equal(gone.code, 3, 'after disengaging, the value is gone for good');
      assert.equal(gone.json.error.code, 'SECRET_NOT_FOUND');
      await w.store.daemon!.stop();
      assertNoPlaintext(w.store.home, values);
    } finally {
      await w.cleanup();
    }
  });
});
