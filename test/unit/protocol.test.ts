import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ERROR_CODES, type ErrorCode, DaemonError } from '../../shared/errors.js';
import { nextActionsOnError, nextActionsOnSuccess } from '../../shared/next-actions.js';
import { METHODS } from '../../shared/protocol.js';
import { createDispatch } from '../../electron/daemon/server/dispatch.js';
import { createHandlers } from '../../electron/daemon/server/handlers.js';
import { deriveAdminKey, proofOf } from '../../electron/daemon/auth/admin-gate.js';
import type { VerifiedIdentity } from '../../electron/daemon/callers/peer-identity.js';
import { type TestCore, UNIT_PROOF_LOG_N, createTestCore } from '../helpers/core.js';

test('every error code maps to a documented exit code and has next actions', () => {
  const allowed = new Set([1, 2, 3, 4, 5, 6, 69]);
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    assert.ok(allowed.has(ERROR_CODES[code]), code);
    assert.ok(nextActionsOnError(code).length > 0, code);
  }
  assert.ok(nextActionsOnSuccess('lease', { lease_id: 'L-x' }).some((a) => a.command === 'secrets revoke L-x'));
});

test('the rights table: admin changes secrets, grants and the lock; holders touch their own leases; approved clients lease', () => {
  const withRight = (right: string) => Object.entries(METHODS).filter(([, m]) => m.rights === right).map(([name]) => name).sort();
  assert.deepEqual(withRight('admin'), ['clients.allow', 'clients.forget', 'clients.revoke', 'config.get', 'config.set', 'confirmations.decide', 'killswitch.disengage', 'requests.approve', 'requests.deny', 'scan.import', 'secrets.add', 'secrets.remove', 'secrets.set']);
  assert.deepEqual(withRight('holder'), ['exec.register', 'lease.list', 'lease.renew', 'lease.revoke']);
  assert.deepEqual(withRight('approved'), ['env.write', 'lease.grant', 'lease.grant_many', 'secrets.rotate']);
  // The emergency brake stays open to all, but destroying values or running hooks is the owner's call.
  const engage = METHODS['killswitch.engage'];
  assert.equal(engage.rights, 'anyone');
  assert.equal(engage.adminIf!({}), false);
  assert.equal(engage.adminIf!({ wipe: true }), true);
  assert.equal(engage.adminIf!({ rotate: true }), true);
});

describe('dispatch', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await createTestCore();
  });
  afterEach(() => t.dispose());

  const codeOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return 'ok';
    } catch (e) {
      return (e as DaemonError).code;
    }
  };

  test('unknown methods and invalid params are refused with codes naming the field', async () => {
    const dispatch = createDispatch(t.core, createHandlers(t.core));
    const caller = { transport: 'socket' as const };
    assert.equal(await codeOf(dispatch(caller, 'secrets.dump', {})), 'METHOD_NOT_FOUND');
    await assert.rejects(dispatch(caller, 'lease.grant', { secret_name: '../etc', client_id: 'a' }), /secret_name: secret names are/);
    await assert.rejects(dispatch(caller, 'lease.grant', { secret_name: 'ok', client_id: 'a', extra: 1 }), /unknown field\(s\) extra/);
    await assert.rejects(dispatch(caller, 'lease.revoke', { all: true, client_id: 'a' }), /exactly one of/);
  });

  test('admin proof: bound to one nonce, the method and the exact params; never the passphrase; throttled', async () => {
    const gated = await createTestCore({}, { adminPassphrase: 'right passphrase' });
    try {
      const dispatch = createDispatch(gated.core, createHandlers(gated.core));
      const socket = { transport: 'socket' as const };
      const key = await deriveAdminKey('right passphrase', Buffer.from((await dispatch(socket, 'auth.challenge', {}) as { salt: string }).salt, 'base64'), UNIT_PROOF_LOG_N);
      const prove = async (method: string, params: object, passphraseKey = key) => {
        const { nonce } = (await dispatch(socket, 'auth.challenge', {})) as { nonce: string };
        return { nonce, proof: proofOf(passphraseKey, nonce, method, params) };
      };
      const add = (proof: unknown, params: object = { name: 'x', value: 'v' }) => dispatch({ ...socket, proof }, 'secrets.add', params);

      assert.equal(await codeOf(add(undefined)), 'ADMIN_REQUIRED');
      const good = await prove('secrets.add', { name: 'x', value: 'v' });
      assert.equal(await codeOf(add(good, { name: 'other', value: 'v' })), 'PASSPHRASE_INCORRECT', 'a proof made for other params does not pass');
      assert.equal(await codeOf(add(good)), 'PASSPHRASE_INCORRECT', 'its nonce was used up by the failed attempt');
      assert.equal(await codeOf(add(await prove('secrets.add', { name: 'x', value: 'v' }))), 'ok');
      assert.equal(gated.core.secrets.exists('other'), false);
      const added = gated.core.audit.query({ action: 'secret.added' })[0]!;
      assert.deepEqual((added.detail as { by: object }).by, { pid: null, launcher: 'unknown', transport: 'socket', admin: true }, 'a change after an await still names its caller');
      const used = await prove('secrets.set', { name: 'x', value: 'w' });
      assert.equal(await codeOf(dispatch({ ...socket, proof: used }, 'secrets.set', { name: 'x', value: 'w' })), 'ok');
      assert.equal(await codeOf(dispatch({ ...socket, proof: used }, 'secrets.set', { name: 'x', value: 'w' })), 'PASSPHRASE_INCORRECT', 'a replayed proof is refused');
      assert.equal(await codeOf(dispatch({ ...socket, proof: { passphrase: 'right passphrase' } }, 'secrets.remove', { name: 'x' })), 'PASSPHRASE_INCORRECT', 'a passphrase is not a proof');

      // Three wrong proofs are free (counting the two above), then proofs are refused for a while.
      const wrongKey = await deriveAdminKey('wrong', Buffer.alloc(16), UNIT_PROOF_LOG_N);
      assert.equal(await codeOf(add(await prove('secrets.add', { name: 'y', value: 'v' }, wrongKey), { name: 'y', value: 'v' })), 'PASSPHRASE_INCORRECT');
      assert.equal(await codeOf(add(await prove('secrets.add', { name: 'y', value: 'v' }, wrongKey), { name: 'y', value: 'v' })), 'PASSPHRASE_INCORRECT');
      assert.equal(await codeOf(add(await prove('secrets.add', { name: 'y', value: 'v' }), { name: 'y', value: 'v' })), 'ADMIN_LOCKED', 'even the right proof waits out the lockout');
      const status = (await dispatch(socket, 'status', {})) as { admin: { failed_proofs: number; locked_until: string | null } };
      assert.equal(status.admin.failed_proofs, 4);
      assert.notEqual(status.admin.locked_until, null);
      gated.clock.advance(2_000);
      assert.equal(await codeOf(add(await prove('secrets.add', { name: 'y', value: 'v' }), { name: 'y', value: 'v' })), 'ok', 'after the lockout the right proof passes and resets the count');
      assert.equal(((await dispatch(socket, 'status', {})) as { admin: { failed_proofs: number } }).admin.failed_proofs, 0);

      const denied = gated.core.audit.query({ action: 'admin.denied' });
      assert.equal(denied.length, 8, 'every refusal is audited (including the one in the lockout)');
      assert.ok(!JSON.stringify(gated.core.audit.query({ tail: 1000 })).includes('right passphrase'));
    } finally {
      await gated.dispose();
    }
  });

  test('holders: a caller renews, revokes and lists only leases its own launcher took; an admin sees all', async () => {
    await t.core.secrets.add({ name: 's', value: 'v' });
    t.core.grants.add({ client_id: 'a', launcher: null, secrets: null, max_ttl_ms: null, expires_at: null, source: 'pre-approval' });
    const dispatch = createDispatch(t.core, createHandlers(t.core));
    const as = (launcher: string, pid: number) => ({ transport: 'socket' as const, identity: () => ({ uid: 0, pid, exe: null, cwd: null, argv: [], parents: [], launcher: null, launcher_key: launcher }) as unknown as VerifiedIdentity });
    const alice = as('/usr/bin/node /a.js', 10);
    const mallory = as('/usr/bin/node /m.js', 20);
    // The test core has no passphrase, so every caller would be admin: require proof to see the holder rule.
    Object.defineProperty(t.core.adminGate, 'required', { value: true });
    const lease = (await dispatch(alice, 'lease.grant', { secret_name: 's', client_id: 'a' })) as { lease_id: string };
    const mine = (await dispatch(alice, 'lease.list', {})) as { leases: { lease_id: string; launcher: string }[] };
    assert.deepEqual(mine.leases.map((l) => [l.lease_id, l.launcher]), [[lease.lease_id, '/usr/bin/node /a.js']]);
    assert.deepEqual(((await dispatch(mallory, 'lease.list', {})) as { leases: unknown[] }).leases, []);
    assert.equal(await codeOf(dispatch(mallory, 'lease.renew', { lease_id: lease.lease_id })), 'DENIED');
    assert.equal(await codeOf(dispatch(mallory, 'lease.revoke', { lease_id: lease.lease_id })), 'DENIED');
    assert.deepEqual(await dispatch(mallory, 'lease.revoke', { all: true }), { revoked: [] });
    assert.deepEqual(await dispatch(mallory, 'lease.revoke', { client_id: 'a' }), { revoked: [] });
    assert.equal(t.core.leases.activeCount(), 1, "the other program's attempts changed nothing");
    const renewed = (await dispatch(alice, 'lease.renew', { lease_id: lease.lease_id, ttl: '2h' })) as { lease: { lease_id: string } };
    assert.equal(renewed.lease.lease_id, lease.lease_id);
    const entry = t.core.audit.query({ action: 'lease.renewed' })[0]!;
    assert.deepEqual((entry.detail as { by: object }).by, { pid: 10, launcher: '/usr/bin/node /a.js', transport: 'socket', admin: false }, 'the audit names the verified caller');
    assert.deepEqual(await dispatch(alice, 'lease.revoke', { all: true }), { revoked: [lease.lease_id] });
  });

  test('renewal stays within the grant: its max TTL, and only while a grant still covers the lease', async () => {
    await t.core.secrets.add({ name: 's', value: 'v' });
    const grant = t.core.grants.add({ client_id: 'a', launcher: null, secrets: null, max_ttl_ms: 2 * 3_600_000, expires_at: null, source: 'pre-approval' });
    const dispatch = createDispatch(t.core, createHandlers(t.core));
    const caller = { transport: 'socket' as const };
    const lease = (await dispatch(caller, 'lease.grant', { secret_name: 's', client_id: 'a', ttl: '1h' })) as { lease_id: string; expires_at: string };
    const renewed = (await dispatch(caller, 'lease.renew', { lease_id: lease.lease_id, ttl: '24h' })) as { lease: { expires_at: string }; capped: boolean };
    assert.equal(renewed.capped, true);
    assert.equal(Date.parse(renewed.lease.expires_at), t.clock.now() + 2 * 3_600_000, "capped at the grant's max TTL, not the config's 24h");
    await dispatch(caller, 'clients.revoke', { grant_id: grant.grant_id });
    assert.equal(t.core.leases.activeCount(), 0, 'revoking the grant revoked the lease only it covered');
  });

  test('lease.grant_many is all or none: a lease that fails takes the granted ones back', async () => {
    await t.core.secrets.add({ name: 'present', value: 'v' });
    const handlers = createHandlers(t.core);
    await assert.rejects(
      Promise.resolve(handlers['lease.grant_many']({ secrets: [{ secret_name: 'present' }, { secret_name: 'vanished' }], client_id: 'exec' }, { transport: 'socket' })),
      (e: unknown) => (e as DaemonError).code === 'SECRET_NOT_FOUND',
    );
    assert.equal(t.core.leases.activeCount(), 0);
    const revoked = t.core.audit.query({ action: 'lease.revoked' });
    assert.equal(revoked.length, 1);
    assert.equal(revoked[0]!.secret_name, 'present');
  });

  test('env.cleanup lists (dry run) and deletes only the files whose leases have all ended', async () => {
    const { mkdtempSync, writeFileSync, existsSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'as-cleanup-'));
    try {
      await t.core.secrets.add({ name: 'live', value: 'v' });
      const lease = await t.core.leases.grant({ secret_name: 'live', client_id: 'a' });
      const [stale, live] = [join(dir, 'stale.env'), join(dir, 'live.env')];
      // Written by the daemon's own writer: only files it wrote (the same inode) are ever deleted.
      const { writeEnvFile } = await import('../../electron/daemon/processes/env-writer.js');
      writeEnvFile(stale, 'A=1\n', { force: false, registry: t.core.envFiles, leaseIds: ['L-endedlongago00'] });
      writeEnvFile(live, 'B=2\n', { force: false, registry: t.core.envFiles, leaseIds: [lease.lease_id] });
      const cleanup = createHandlers(t.core)['env.cleanup'];
      assert.deepEqual(await cleanup({ dry_run: true }, { transport: 'socket' }), { paths: [stale], deleted: false });
      assert.equal(existsSync(stale), true, 'a dry run deletes nothing');
      assert.deepEqual(await cleanup({}, { transport: 'socket' }), { paths: [stale], deleted: true });
      assert.equal(existsSync(stale), false);
      assert.equal(existsSync(live), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
