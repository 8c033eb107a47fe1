import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DaemonError } from '../../shared/errors.js';
import { type TestCore, createTestCore } from '../helpers/core.js';

describe('leases (fake clock)', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await createTestCore({ max_lease_ttl: '2h' });
    await t.core.secrets.add({ name: 'token', value: 's3cret' });
  });
  afterEach(() => t.dispose());

  const active = () => t.core.leases.list({}).map((l) => l.lease_id);

  test('a lease never outlives its TTL and is closed the moment it passes (property)', async () => {
    for (let round = 0; round < 40; round++) {
      const ttlSeconds = 1 + Math.floor(Math.random() * 7200);
      const lease = await t.core.leases.grant({ secret_name: 'token', client_id: 'prop', ttl: `${ttlSeconds}s` });
      const expiresAt = Date.parse(lease.expires_at);
      assert.equal(expiresAt - t.clock.now(), ttlSeconds * 1000);
      while (t.clock.now() < expiresAt + 1000) {
        t.clock.advance(1 + Math.floor(Math.random() * ttlSeconds * 300));
        const isActive = active().includes(lease.lease_id);
        assert.equal(isActive, t.clock.now() < expiresAt, `active=${isActive} at ${t.clock.now() - expiresAt} ms from expiry`);
      }
    }
  });

  test('expiry emits lease.expired and writes an audit entry', async () => {
    const events: string[] = [];
    t.core.events.subscribe((e) => events.push(e.type));
    const lease = await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '10s' });
    t.clock.advance(10_000);
    assert.ok(events.includes('lease.expired'));
    const entries = t.core.audit.query({ action: 'lease.expired' });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.lease_id, lease.lease_id);
  });

  test('renew extends from now but never past created_at + max TTL', async () => {
    const lease = await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '1h' });
    t.clock.advance(30 * 60_000);
    const first = t.core.leases.renew(lease.lease_id, '1h');
    assert.equal(first.capped, false);
    assert.equal(Date.parse(first.lease.expires_at), t.clock.now() + 3_600_000);
    t.clock.advance(50 * 60_000);
    const second = t.core.leases.renew(lease.lease_id, '1h');
    assert.equal(second.capped, true);
    assert.equal(Date.parse(second.lease.expires_at), Date.parse(first.lease.created_at) + 2 * 3_600_000);
  });

  test('no lease is granted when its audit entry cannot be written, and the chain stays intact', async () => {
    t.core.db.exec("CREATE TRIGGER audit_full BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    const before = t.core.audit.count();
    await assert.rejects(t.core.leases.grant({ secret_name: 'token', client_id: 'a' }), /disk full/);
    assert.deepEqual(active(), []);
    assert.equal(t.core.db.prepare('SELECT COUNT(*) FROM leases').pluck().get(), 0);
    t.core.db.exec('DROP TRIGGER audit_full');
    assert.equal(t.core.audit.count(), before);
    await t.core.leases.grant({ secret_name: 'token', client_id: 'a' });
    assert.equal((await t.core.verifyAudit()).ok, true);
  });

  test('renewing an unknown, revoked or expired lease says which', async () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as DaemonError).code;
      }
      return 'none';
    };
    assert.equal(code(() => t.core.leases.renew('L-aaaaaaaaaaaaaaaa', undefined)), 'LEASE_NOT_FOUND');
    const a = await t.core.leases.grant({ secret_name: 'token', client_id: 'a' });
    t.core.leases.revoke({ lease_id: a.lease_id }, 'test');
    assert.equal(code(() => t.core.leases.renew(a.lease_id, undefined)), 'LEASE_REVOKED');
    const b = await t.core.leases.grant({ secret_name: 'token', client_id: 'a', ttl: '5s' });
    t.clock.advance(5000);
    assert.equal(code(() => t.core.leases.renew(b.lease_id, undefined)), 'LEASE_EXPIRED');
  });
});
