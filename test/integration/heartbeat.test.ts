/** The dead-man switch end to end: a real HTTP endpoint on loopback goes down, the daemon engages the killswitch. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
