/** Leases outlive the daemon process, expire at their time, and are closed at start if they expired while it was down. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { existsSync } from 'node:fs';
import { TestStore, startedStore } from '../helpers/store.js';
import { recordEvents } from '../helpers/events.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lease persistence and expiry', () => {
  let store: TestStore;
  before(async () => {
    store = await startedStore();
    await store.admin(['add', 'db_password'], { input: 'hunter2' });
  });
  after(() => store.cleanup());

  test('a lease expires at its time with a lease.expired event and audit entry', async () => {
    const recorder = await recordEvents(store.socket);
    try {
      const lease = (await store.cli(['lease', 'db_password', '--ttl', '1s', '--json', '--client-id', 'short'])).json.data;
      const expiresAt = Date.parse(lease.expires_at);
      const event = await recorder.waitFor((e) => e.type === 'lease.expired' && (e.data.lease as { lease_id: string }).lease_id === lease.lease_id, 5000);
      const lateness = Date.parse(event.at) - expiresAt;
      assert.ok(lateness >= 0 && lateness < 1000, `expired ${lateness} ms after its time`);
      assert.ok(!JSON.stringify(event).includes('hunter2'), 'events never carry values');
      const renew = await store.cli(['renew', lease.lease_id]);
      assert.equal(renew.code, 6);
      assert.equal(renew.json.error.code, 'LEASE_EXPIRED');
      const audit = await store.cli(['audit', '--action', 'lease.expired', '--client', 'short']);
      assert.equal(audit.json.data.entries.length, 1);
      assert.equal(audit.json.data.entries[0].lease_id, lease.lease_id);
      assert.ok(recorder.events.some((e) => e.type === 'lease.granted'));
      assert.ok(recorder.events.some((e) => e.type === 'audit.appended'));
    } finally {
      recorder.close();
    }
  });

  test('events stream grants, renewals, revocations and secret changes to any client', async () => {
    const recorder = await recordEvents(store.socket);
    try {
      const lease = (await store.cli(['lease', 'db_password', '--json', '--client-id', 'evented'])).json.data;
      await store.cli(['renew', lease.lease_id, '--ttl', '2h']);
      await store.cli(['revoke', lease.lease_id]);
      await store.admin(['set', 'db_password'], { input: 'hunter3' });
      for (const type of ['lease.granted', 'lease.renewed', 'lease.revoked', 'secret.changed'] as const) {
        await recorder.waitFor((e) => e.type === type);
      }
      assert.ok(!JSON.stringify(recorder.events).includes('hunter'), 'events never carry values');
    } finally {
      recorder.close();
    }
  });

  test('SIGTERM stops cleanly: audit entry, socket removed; leases survive a restart', async () => {
    const kept = (await store.cli(['lease', 'db_password', '--ttl', '1h', '--json', '--client-id', 'survivor'])).json.data;
    // Long enough that the daemon surely stops before it ends, even on a loaded machine.
    const doomed = (await store.cli(['lease', 'db_password', '--ttl', '5s', '--json', '--client-id', 'doomed'])).json.data;
    assert.equal(await store.daemon!.stop('SIGTERM'), 0);
    assert.ok(Date.now() < Date.parse(doomed.expires_at), 'the daemon stopped before the lease expired');
    assert.equal(existsSync(store.socket), false, 'socket removed on shutdown');
    await sleep(Date.parse(doomed.expires_at) - Date.now() + 300);
    await store.start();

    const leases = (await store.cli(['leases'])).json.data.leases;
    assert.ok(leases.some((l: { lease_id: string }) => l.lease_id === kept.lease_id), 'the 1h lease is restored');
    assert.ok(!leases.some((l: { lease_id: string }) => l.lease_id === doomed.lease_id), 'the expired one is not active');
    assert.equal((await store.cli(['renew', kept.lease_id])).code, 0);

    const expired = await store.cli(['audit', '--action', 'lease.expired', '--client', 'doomed']);
    assert.equal(expired.json.data.entries.length, 1);
    assert.equal(expired.json.data.entries[0].detail.reason, 'expired while the daemon was stopped');
    const stopped = await store.cli(['audit', '--action', 'daemon.stopped', '--tail', '1']);
    assert.equal(stopped.json.data.entries[0].detail.reason, 'SIGTERM');
    assert.equal((await store.cli(['audit', 'verify'])).code, 0);
  });

  test('SIGINT also stops cleanly, and a stale socket from a killed daemon is replaced', async () => {
    assert.equal(await store.daemon!.stop('SIGINT'), 0);
    await store.start();
    await store.daemon!.stop('SIGKILL');
    assert.equal(existsSync(store.socket), true, 'a killed daemon leaves its socket behind');
    await store.start();
    assert.equal((await store.cli(['lease', 'db_password'])).stdout, 'hunter3');
  });
});
