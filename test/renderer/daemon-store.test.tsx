import { describe, expect, test } from 'vitest';
import { createDaemonStore } from '../../renderer/store/daemon-store.js';
import { createFakeBridge, fakeLease, fakeRequest } from './fake-bridge.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the daemon store', () => {
  test('opened on a tab: its slices and the status first, the others only once they answered', async () => {
    const fake = createFakeBridge();
    let answerStatus!: () => void;
    fake.on('status', () => new Promise((resolve) => (answerStatus = () => resolve(fake.data.status))));
    const store = createDaemonStore(fake.bridge, { first: ['requests'] });
    expect(fake.calls.map((c) => c.method).sort()).toEqual(['requests.list', 'status']);
    answerStatus();
    await settle();
    expect(fake.calls.map((c) => c.method).sort()).toEqual(['clients.list', 'confirmations.list', 'lease.list', 'requests.list', 'secrets.list', 'status']);
    store.close();
  });

  test('a lease event replaces that lease alone: the other records keep their identity', async () => {
    const fake = createFakeBridge({ leases: [fakeLease(1), fakeLease(2)] });
    const store = createDaemonStore(fake.bridge);
    await settle();
    const before = store.getSnapshot().leases;
    if (before.state !== 'ready') throw new Error('leases not loaded');
    const untouched = before.data.get(fakeLease(1).lease_id);
    fake.emit('lease.renewed', { lease: fakeLease(2, { expires_at: '2026-11-28T20:00:00.000Z' }) });
    fake.emit('lease.granted', { lease: fakeLease(3) });
    const after = store.getSnapshot().leases;
    if (after.state !== 'ready') throw new Error('leases not loaded');
    expect(after.data.get(fakeLease(1).lease_id)).toBe(untouched);
    expect(after.data.get(fakeLease(2).lease_id)?.expires_at).toBe('2026-11-28T20:00:00.000Z');
    expect([...after.data.keys()]).toHaveLength(3);
    fake.emit('lease.revoked', { lease: fakeLease(1) });
    const revoked = store.getSnapshot().leases;
    expect(revoked.state === 'ready' && revoked.data.has(fakeLease(1).lease_id)).toBe(false);
    store.close();
  });

  test('a request announced again (re-dated when the clock was set) is replaced where it stands', async () => {
    const first = fakeRequest({ request_id: 'R-aaaaaaaaaaaa' });
    const second = fakeRequest({ request_id: 'R-bbbbbbbbbbbb' });
    const fake = createFakeBridge({ requests: [first, second] });
    const store = createDaemonStore(fake.bridge);
    await settle();
    fake.emit('approval.requested', { request: { ...first, expires_at: '2026-11-28T20:00:00.000Z' }, reason: 'clock jumped' });
    const requests = store.getSnapshot().requests;
    if (requests.state !== 'ready') throw new Error('requests not loaded');
    expect(requests.data.map((r) => [r.request_id, r.expires_at])).toEqual([
      ['R-aaaaaaaaaaaa', '2026-11-28T20:00:00.000Z'],
      ['R-bbbbbbbbbbbb', second.expires_at],
    ]);
    store.close();
  });

  test('an event while its slice is still loading asks again, so an answer older than the event cannot hide it', async () => {
    const fake = createFakeBridge();
    let answerLeases!: () => void;
    fake.on('lease.list', () => new Promise((resolve) => (answerLeases = () => resolve({ leases: [] }))));
    const store = createDaemonStore(fake.bridge);
    fake.emit('lease.granted', { lease: fakeLease(7) });
    fake.on('lease.list', () => ({ leases: [fakeLease(7)] }));
    answerLeases();
    await settle();
    await settle();
    const leases = store.getSnapshot().leases;
    expect(leases.state === 'ready' && [...leases.data.keys()]).toEqual([fakeLease(7).lease_id]);
    expect(fake.callsOf('lease.list')).toHaveLength(2);
    store.close();
  });
});
