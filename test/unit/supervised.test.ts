import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupervisedProcesses } from '../../electron/daemon/processes/supervised.js';
import { DaemonError } from '../../shared/errors.js';
import { type TestCore, createTestCore } from '../helpers/core.js';

const codeOf = (f: () => void) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as DaemonError).code;
  }
};

describe('supervised process groups', () => {
  let t: TestCore;
  let child: ChildProcess;
  beforeEach(async () => {
    t = await createTestCore();
    child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 50));
  });
  afterEach(() => {
    child.kill('SIGKILL');
    return t.dispose();
  });

  test('only the process itself or its parent may register its group, and only the group it leads', () => {
    const group = { pid: child.pid!, pgid: child.pid!, lease_ids: [] };
    assert.equal(codeOf(() => t.core.supervised.register(group, 1)), 'DENIED', 'pid 1 is not its parent');
    assert.equal(codeOf(() => t.core.supervised.register(group, null)), 'DENIED', 'an unverifiable caller');
    assert.equal(codeOf(() => t.core.supervised.register({ ...group, pgid: process.pid }, process.pid)), 'INVALID_PARAMS');
    assert.equal(codeOf(() => t.core.supervised.register(group, process.pid)), 'ok');
    assert.deepEqual(t.core.supervised.list(), [group]);
  });

  test('terminateAll sends SIGTERM now and SIGKILL after the grace to groups still alive', () => {
    const sent: string[] = [];
    const alive = new Set([101, 202]);
    const supervised = new SupervisedProcesses(t.core.db, t.clock, 5000, (pgid, signal) => {
      sent.push(`${pgid}:${signal}`);
      if (signal === 'SIGKILL') alive.delete(pgid);
      return alive.has(pgid);
    });
    t.core.db.prepare("INSERT INTO supervised (pgid, pid, lease_ids, registered_at) VALUES (101, 101, '[]', 0), (202, 202, '[]', 0), (303, 303, '[]', 0)").run();
    assert.equal(supervised.terminateAll(), 2, 'group 303 no longer exists');
    assert.deepEqual(sent, ['101:SIGTERM', '202:SIGTERM', '303:SIGTERM']);
    alive.delete(202); // it obeyed SIGTERM
    t.clock.advance(4999);
    assert.equal(sent.length, 3);
    t.clock.advance(1);
    assert.deepEqual(sent.slice(3), ['101:0', '101:SIGKILL', '202:0']);
    assert.deepEqual(supervised.list(), []);
  });

  test('the killswitch deletes the env files the daemon registered, and only those', () => {
    const dir = mkdtempSync(join(tmpdir(), 'as-env-'));
    try {
      const written = join(dir, '.env');
      const bystander = join(dir, 'notes.txt');
      writeFileSync(written, 'TOKEN=x\n', { mode: 0o600 });
      writeFileSync(bystander, 'keep me');
      t.core.envFiles.register(written, ['L-x']);
      t.core.envFiles.register(join(dir, 'already-gone.env'), []);
      const report = t.core.killswitch.engage({ reason: 'test' }, { pid: null });
      assert.equal(report.deleted_env_files, 1);
      assert.throws(() => readFileSync(written));
      assert.equal(readFileSync(bystander, 'utf8'), 'keep me');
      assert.deepEqual(t.core.envFiles.list(), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('killswitch --rotate with --wipe runs no hook: the values are gone', async () => {
    await t.core.secrets.add({ name: 'hooked', value: 'v', rotate_via: 'echo new' });
    const report = t.core.killswitch.engage({ rotate: true, wipe: true }, { pid: null });
    assert.equal(report.rotations_started, 0);
    assert.equal(report.wiped_secrets, 1);
    assert.equal(t.core.audit.query({ action: 'secret.rotated' }).length, 0);
  });

  test('a fail action that keeps leases locks without revoking them', async () => {
    await t.core.secrets.add({ name: 'kept', value: 'v' });
    await t.core.leases.grant({ secret_name: 'kept', client_id: 'a' });
    const report = t.core.killswitch.engage({ revoke: false }, { pid: null });
    assert.equal(report.revoked_leases, 0);
    assert.equal(t.core.leases.activeCount(), 1);
    assert.throws(() => t.core.killswitch.assertDisengaged(), /killswitch is engaged/);
  });
});

test('env files whose leases have all ended are stale; cleanup removes them', async () => {
  const t = await createTestCore();
  const dir = mkdtempSync(join(tmpdir(), 'as-stale-'));
  try {
    const live = join(dir, 'live.env');
    const stale = join(dir, 'stale.env');
    writeFileSync(live, 'A=1\n');
    writeFileSync(stale, 'B=2\n');
    t.core.envFiles.register(live, ['L-active', 'L-gone']);
    t.core.envFiles.register(stale, ['L-gone']);
    assert.deepEqual(t.core.envFiles.stale(new Set(['L-active'])), [stale]);
    assert.equal(t.core.envFiles.remove(stale), true);
    assert.equal(t.core.envFiles.remove(stale), false, 'already gone');
    assert.deepEqual(t.core.envFiles.list(), [live]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await t.dispose();
  }
});
