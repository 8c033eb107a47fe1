import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { createDispatch } from '../../electron/daemon/server/dispatch.js';
import { createHandlers } from '../../electron/daemon/server/handlers.js';
import { createUiService } from '../../electron/main/ui-service.js';
import { type AppCalls, UI_METHODS } from '../../shared/ui-service.js';
import type { DaemonEvent } from '../../shared/protocol.js';
import { type TestCore, createTestCore } from '../helpers/core.js';

let t: TestCore;
beforeEach(async () => {
  t = await createTestCore({}, { adminPassphrase: 'the person' });
});
afterEach(() => t.dispose());

const NO_APP = new Proxy({}, { get: () => () => Promise.reject(new Error('not in this test')) }) as AppCalls;
const service = () => {
  const handle = { dispatch: createDispatch(t.core, createHandlers(t.core)), core: t.core };
  return createUiService({ daemon: () => handle, app: NO_APP, subscribe: (listener) => t.core.events.subscribe(listener) });
};

test('every UI method is a function; the window acts as the person, with no passphrase', async () => {
  const ui = service();
  for (const method of UI_METHODS) assert.equal(typeof ui[method], 'function', method);
  await ui['secrets.add']({ name: 'token', value: 'v' });
  assert.deepEqual((await ui['secrets.list']({})).secrets.map((s) => s.name), ['token']);
  const added = t.core.audit.query({ action: 'secret.added' })[0]!;
  assert.deepEqual((added.detail as { by: object }).by, { pid: null, launcher: 'unknown', transport: 'ipc', admin: true });
});

test("the window sees every client's leases, revokes them and pulls the killswitch", async () => {
  await t.core.secrets.add({ name: 'token', value: 'v' });
  const lease = await t.core.leases.grant({ secret_name: 'token', client_id: 'agent', verified: { pid: 1, launcher_key: '/usr/bin/agent' } });
  const ui = service();
  assert.deepEqual((await ui['lease.list']({})).leases.map((l) => l.lease_id), [lease.lease_id]);
  assert.deepEqual((await ui['lease.revoke']({ lease_id: lease.lease_id })).revoked, [lease.lease_id]);
  await ui['killswitch.engage']({ reason: 'window' });
  assert.equal((await ui.status({})).locked, true);
  await ui['killswitch.disengage']({});
  assert.equal((await ui.status({})).locked, false);
});

test('events reach the window as they happen, and stop after unsubscribing', async () => {
  const ui = service();
  const seen: DaemonEvent[] = [];
  const stop = ui.onEvent((event) => seen.push(event));
  await ui['secrets.add']({ name: 'a', value: 'v' });
  assert.ok(seen.some((e) => e.type === 'secret.changed'));
  stop();
  const count = seen.length;
  await ui['secrets.add']({ name: 'b', value: 'v' });
  assert.equal(seen.length, count);
});

test('bad params from the window are refused like any other caller\'s', async () => {
  await assert.rejects(service()['secrets.add']({ name: '../x', value: 'v' }), /secret names are/);
});

test('before the store is open, daemon calls say so and app calls still work', async () => {
  const app = { 'app.state': async () => ({ phase: 'unlock' }) } as unknown as AppCalls;
  const ui = createUiService({ daemon: () => null, app, subscribe: () => () => {} });
  await assert.rejects(ui.status({}), (e: { code?: string }) => e.code === 'DAEMON_NOT_RUNNING');
  assert.deepEqual(await ui['app.state']({}), { phase: 'unlock' });
});
