import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupervisedProcesses, signalGroup } from '../../electron/daemon/processes/supervised.js';
import { leaderStat } from '../../electron/daemon/processes/group-leader.js';
import { writeEnvFile } from '../../electron/daemon/processes/env-writer.js';
import { DaemonError } from '../../shared/errors.js';
import { type TestCore, createTestCore } from '../helpers/core.js';
import { groupAlive, waitUntil } from '../helpers/processes.js';

const codeOf = (f: () => void) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as DaemonError).code;
  }
};

/** A made-up /proc/<pid>/stat: state S, the given parent, group and start time (field 22). */
function fakeStat(proc: string, pid: number, ppid: number, pgrp: number, start: number): void {
  mkdirSync(join(proc, String(pid)), { recursive: true });
  writeFileSync(join(proc, String(pid), 'stat'), `${pid} (we ird) name) S ${ppid} ${pgrp} ${pgrp} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 0 0\n`);
}

test('leaderStat reads ppid, group and start time (field 22) from one read, names with ") " included', () => {
  const proc = mkdtempSync(join(tmpdir(), 'as-proc-'));
  try {
    fakeStat(proc, 500, 400, 500, 123456);
    assert.deepEqual(leaderStat(500, proc), { ppid: 400, pgrp: 500, start_time: '123456' });
    assert.equal(leaderStat(501, proc), null);
    const self = leaderStat(process.pid);
    assert.equal(self?.ppid, process.ppid);
    assert.match(self?.start_time ?? '', /^\d+$/);
  } finally {
    rmSync(proc, { recursive: true, force: true });
  }
});

describe('registering a process group', () => {
  let t: TestCore;
  let proc: string;
  beforeEach(async () => {
    t = await createTestCore();
    proc = mkdtempSync(join(tmpdir(), 'as-proc-'));
  });
  afterEach(async () => {
    rmSync(proc, { recursive: true, force: true });
    await t.dispose();
  });

  test('only a group leader (pid == pgid) that is the caller or its child, with its start time recorded', () => {
    const supervised = new SupervisedProcesses(t.core.db, t.clock, 5000, () => true, proc);
    fakeStat(proc, 500, 400, 500, 1000); // leads its group, child of 400
    fakeStat(proc, 501, 400, 500, 1001); // a member of group 500, not its leader
    const group = { pid: 500, pgid: 500, lease_ids: ['L-a'] };
    assert.equal(codeOf(() => supervised.register({ pid: 501, pgid: 500, lease_ids: [] }, 400)), 'INVALID_PARAMS', 'a member naming its group');
    assert.equal(codeOf(() => supervised.register({ pid: 501, pgid: 501, lease_ids: [] }, 400)), 'INVALID_PARAMS', 'not a leader');
    assert.equal(codeOf(() => supervised.register({ pid: 502, pgid: 502, lease_ids: [] }, 400)), 'INVALID_PARAMS', 'no such process');
    assert.equal(codeOf(() => supervised.register(group, 1)), 'DENIED', 'pid 1 is not its parent');
    assert.equal(codeOf(() => supervised.register(group, null)), 'DENIED', 'an unverifiable caller');
    assert.deepEqual(supervised.list(), []);
    assert.equal(codeOf(() => supervised.register(group, 400)), 'ok', 'its parent');
    assert.equal(codeOf(() => supervised.register(group, 500)), 'ok', 'itself');
    assert.deepEqual(supervised.list(), [{ ...group, start_time: '1000' }]);
  });

  test('real processes: a detached child is registered by its parent; a child in our own group is not', async () => {
    const leader = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const member = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await waitUntil(() => leaderStat(leader.pid!)?.pgrp === leader.pid && leaderStat(member.pid!) !== null);
      const ourGroup = leaderStat(process.pid)!.pgrp;
      assert.equal(codeOf(() => t.core.supervised.register({ pid: member.pid!, pgid: member.pid!, lease_ids: [] }, process.pid)), 'INVALID_PARAMS');
      assert.equal(codeOf(() => t.core.supervised.register({ pid: member.pid!, pgid: ourGroup, lease_ids: [] }, process.pid)), 'INVALID_PARAMS');
      assert.equal(codeOf(() => t.core.supervised.register({ pid: leader.pid!, pgid: leader.pid!, lease_ids: [] }, process.pid)), 'ok');
      assert.deepEqual(
        t.core.supervised.list().map((g) => g.pgid),
        [leader.pid],
      );
    } finally {
      leader.kill('SIGKILL');
      member.kill('SIGKILL');
    }
  });
});

describe('signalling only the group that registered', () => {
  let t: TestCore;
  let proc: string;
  let sent: string[];
  let supervised: SupervisedProcesses;
  beforeEach(async () => {
    t = await createTestCore();
    proc = mkdtempSync(join(tmpdir(), 'as-proc-'));
    sent = [];
    supervised = new SupervisedProcesses(t.core.db, t.clock, 5000, (pgid, signal) => (sent.push(`${pgid}:${signal}`), true), proc);
    fakeStat(proc, 500, 400, 500, 1000);
    supervised.register({ pid: 500, pgid: 500, lease_ids: ['L-a'] }, 400);
  });
  afterEach(async () => {
    rmSync(proc, { recursive: true, force: true });
    await t.dispose();
  });

  test('a leader with another start time took the number: the group is not signalled at all', () => {
    fakeStat(proc, 500, 1, 500, 2000); // pid 500 reused by a stranger leading its own group
    assert.equal(supervised.terminateHolding('L-a'), 0);
    t.clock.advance(10_000);
    assert.deepEqual(sent, []);
    assert.deepEqual(supervised.list(), [], 'the registration is dropped all the same');
  });

  test('no process with the pgid: what is left is the original group, and it is signalled', () => {
    rmSync(join(proc, '500'), { recursive: true });
    assert.equal(supervised.terminateAll(), 1);
    t.clock.advance(5000);
    assert.deepEqual(sent, ['500:SIGTERM', '500:0', '500:SIGKILL']);
  });

  test('the leader changing during the grace stops the SIGKILL', () => {
    assert.equal(supervised.terminateAll(), 1);
    fakeStat(proc, 500, 1, 500, 3000);
    t.clock.advance(5000);
    assert.deepEqual(sent, ['500:SIGTERM']);
  });

  test('a registration without a start time (an older store) is never signalled', () => {
    t.core.db.prepare("INSERT INTO supervised (pgid, pid, lease_ids, registered_at) VALUES (600, 600, '[]', 0)").run();
    assert.equal(supervised.terminateAll(), 1, 'only group 500');
    assert.deepEqual(sent, ['500:SIGTERM']);
  });
});

describe('the grace between SIGTERM and SIGKILL', () => {
  let t: TestCore;
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    t = await createTestCore();
    dir = mkdtempSync(join(tmpdir(), 'as-grace-'));
  });
  afterEach(async () => {
    if (child?.pid && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await t.dispose();
  });

  test('a real group that ignores SIGTERM: no SIGKILL before the grace (fake clock), killed right after it', async () => {
    const marker = join(dir, 'marker');
    child = spawn('sh', ['-c', `trap 'echo term >> ${marker}' TERM; echo ready > ${marker}; while :; do sleep 1; done`], { detached: true, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child!.on('exit', (_code, signal) => resolve(signal)));
    assert.ok(await waitUntil(() => existsSync(marker)), 'the child is ready, its trap set');
    const sent: string[] = [];
    const supervised = new SupervisedProcesses(t.core.db, t.clock, 5000, (pgid, signal) => (sent.push(String(signal)), signalGroup(pgid, signal)));
    supervised.register({ pid: child.pid!, pgid: child.pid!, lease_ids: [] }, process.pid);

    assert.equal(supervised.terminateAll(), 1);
    assert.ok(await waitUntil(() => readFileSync(marker, 'utf8').includes('term')), 'SIGTERM reached it and it carried on');
    t.clock.advance(4999);
    assert.deepEqual(sent, ['SIGTERM'], 'no SIGKILL before the grace');
    assert.equal(child.exitCode, null);
    assert.equal(child.signalCode, null);
    t.clock.advance(1);
    assert.deepEqual(sent, ['SIGTERM', '0', 'SIGKILL']);
    assert.equal(await exited, 'SIGKILL');
    assert.ok(await waitUntil(() => !groupAlive(child!.pid!)), 'its whole group is gone');
  });
});

describe('the killswitch and env files', () => {
  let t: TestCore;
  let project: string;
  beforeEach(async () => {
    t = await createTestCore();
    project = mkdtempSync(join(tmpdir(), 'as-env-'));
    writeFileSync(join(project, '.secrets.json'), '{"secrets":[{"name":"a","env_var":"A"}]}');
  });
  afterEach(async () => {
    rmSync(project, { recursive: true, force: true });
    await t.dispose();
  });

  const write = (path: string, leaseIds: string[]) => writeEnvFile(path, 'TOKEN=x\n', { force: false, registry: t.core.envFiles, leaseIds });

  test('deletes the env files the daemon wrote, and only those: not a bystander, not a replaced one', () => {
    const written = join(project, '.env');
    const replaced = join(project, 'replaced.env');
    const gone = join(project, 'gone.env');
    const bystander = join(project, 'notes.txt');
    write(written, ['L-x']);
    write(replaced, ['L-y']);
    write(gone, []);
    writeFileSync(bystander, 'keep me');
    rmSync(replaced);
    writeFileSync(replaced, 'the person wrote this');
    rmSync(gone);
    const report = t.core.killswitch.engage({ reason: 'test' }, { pid: null });
    assert.equal(report.deleted_env_files, 1);
    assert.equal(existsSync(written), false);
    assert.equal(readFileSync(bystander, 'utf8'), 'keep me');
    assert.equal(readFileSync(replaced, 'utf8'), 'the person wrote this');
    assert.deepEqual(t.core.envFiles.list(), []);
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

  test('env files whose leases have all ended are stale; cleanup removes them', () => {
    const live = join(project, 'live.env');
    const stale = join(project, 'stale.env');
    write(live, ['L-active', 'L-gone']);
    write(stale, ['L-gone']);
    assert.deepEqual(t.core.envFiles.stale(new Set(['L-active'])), [stale]);
    assert.equal(t.core.envFiles.remove(stale, true), 'deletable');
    assert.equal(existsSync(stale), true, 'a dry run deletes nothing');
    assert.equal(t.core.envFiles.remove(stale), 'deleted');
    assert.equal(existsSync(stale), false);
    assert.equal(t.core.envFiles.remove(stale), 'gone', 'already gone');
    assert.deepEqual(t.core.envFiles.list(), [live]);
  });
});
