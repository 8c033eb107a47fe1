import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ERROR_CODES, type ErrorCode, DaemonError } from '../../shared/errors.js';
import { nextActionsOnError, nextActionsOnSuccess } from '../../shared/next-actions.js';
import { METHODS } from '../../shared/protocol.js';
import { createDispatch } from '../../electron/daemon/server/dispatch.js';
import { createHandlers } from '../../electron/daemon/server/handlers.js';
import { createPassphraseVerifier } from '../../electron/daemon/auth/passphrase-verifier.js';
import { type TestCore, createTestCore } from '../helpers/core.js';

test('every error code maps to a documented exit code and has next actions', () => {
  const allowed = new Set([1, 2, 3, 4, 5, 6, 69]);
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    assert.ok(allowed.has(ERROR_CODES[code]), code);
    assert.ok(nextActionsOnError(code).length > 0, code);
  }
  assert.ok(nextActionsOnSuccess('lease', { lease_id: 'L-x' }).some((a) => a.command === 'secrets revoke L-x'));
});

test('admin methods are exactly the ones that change secrets, decide who gets them, or unlock', () => {
  const admin = Object.entries(METHODS).filter(([, m]) => m.level === 'admin').map(([name]) => name).sort();
  assert.deepEqual(admin, ['clients.allow', 'clients.forget', 'killswitch.disengage', 'requests.approve', 'requests.deny', 'secrets.add', 'secrets.remove', 'secrets.set']);
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

  test('admin methods need the passphrase for that request; nothing is cached', async () => {
    const verifier = await createPassphraseVerifier('right passphrase');
    Object.assign(t.core.options, { passphraseVerifier: verifier });
    const dispatch = createDispatch(t.core, createHandlers(t.core));
    const add = (proof?: { passphrase: string }, name = 'x') => dispatch({ transport: 'socket', proof }, 'secrets.add', { name, value: 'v' });
    assert.equal(await codeOf(add()), 'ADMIN_REQUIRED');
    assert.equal(await codeOf(add({ passphrase: 'wrong' })), 'PASSPHRASE_INCORRECT');
    assert.equal(await codeOf(add({ passphrase: 'right passphrase' })), 'ok');
    assert.equal(await codeOf(add(undefined, 'y')), 'ADMIN_REQUIRED', 'a previous success does not open the next request');
    assert.equal(t.core.audit.query({ action: 'admin.denied' }).length, 3);
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
      writeFileSync(stale, 'A=1\n');
      writeFileSync(live, 'B=2\n');
      t.core.envFiles.register(stale, ['L-endedlongago00']);
      t.core.envFiles.register(live, [lease.lease_id]);
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
