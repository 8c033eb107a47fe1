/**
 * Rotations of one secret never overlap: a rotate that arrives while that secret's hook runs joins
 * it. Different secrets rotate in parallel. The hook runner is a fake that the test releases.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Rotator } from '../../electron/daemon/rotation/rotation.js';
import type { HookResult } from '../../electron/daemon/rotation/rotation-hook.js';
import { type TestCore, createTestCore } from '../helpers/core.js';

interface Run {
  command: string;
  finish(value: string): void;
}

/** A hook runner whose runs end when the test says, counting how many of each command run at once. */
function fakeHooks() {
  const runs: Run[] = [];
  const active = new Map<string, number>();
  const most = new Map<string, number>();
  const waiters: (() => void)[] = [];
  const runner = (command: string): Promise<HookResult> => {
    active.set(command, (active.get(command) ?? 0) + 1);
    most.set(command, Math.max(most.get(command) ?? 0, active.get(command)!));
    return new Promise((resolve) => {
      runs.push({
        command,
        finish: (value) => {
          active.set(command, active.get(command)! - 1);
          resolve({ ok: true, value, exit_code: 0, duration_ms: 1 });
        },
      });
      for (const wake of waiters.splice(0)) wake();
    });
  };
  /** Waits until `count` runs have started (no timing: woken by the runner itself). */
  const started = async (count: number) => {
    while (runs.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { runner, runs, most, started };
}

let t: TestCore;
before(async () => {
  t = await createTestCore();
  await t.core.secrets.add({ name: 'alpha', value: 'alpha-0', rotate_via: 'hook-alpha' });
  await t.core.secrets.add({ name: 'beta', value: 'beta-0', rotate_via: 'hook-beta' });
});
after(() => t.dispose());

test('two rotations of the same secret never run its hook at the same time: the second joins the first', async () => {
  const hooks = fakeHooks();
  const rotator = new Rotator(t.core.secrets, t.core.leases, t.core.journal, 1000, hooks.runner);
  const first = rotator.rotate('alpha');
  await hooks.started(1);
  const second = rotator.rotate('alpha');
  const third = rotator.rotate('alpha');
  hooks.runs[0]!.finish('alpha-1');
  const results = await Promise.all([first, second, third]);
  assert.equal(hooks.runs.length, 1, 'one hook run');
  assert.equal(hooks.most.get('hook-alpha'), 1);
  assert.deepEqual(results.map((r) => r.rotated), [true, true, true]);
  assert.equal(await t.core.secrets.value('alpha'), 'alpha-1');
  assert.equal(t.core.audit.query({ action: 'secret.rotated', secretName: 'alpha' }).length, 1, 'one rotation recorded');

  // Once it is over, the next rotate runs the hook again.
  const later = rotator.rotate('alpha');
  await hooks.started(2);
  hooks.runs[1]!.finish('alpha-2');
  assert.equal((await later).rotated, true);
  assert.equal(await t.core.secrets.value('alpha'), 'alpha-2');
  assert.equal(hooks.most.get('hook-alpha'), 1);
});

test('different secrets rotate in parallel', async () => {
  const hooks = fakeHooks();
  const rotator = new Rotator(t.core.secrets, t.core.leases, t.core.journal, 1000, hooks.runner);
  const a = rotator.rotate('alpha');
  const b = rotator.rotate('beta');
  // Both hooks are running before either is let finish: neither waited for the other.
  await hooks.started(2);
  assert.deepEqual(hooks.runs.map((r) => r.command).sort(), ['hook-alpha', 'hook-beta']);
  for (const run of hooks.runs) run.finish(`${run.command}-new`);
  await Promise.all([a, b]);
  assert.equal(await t.core.secrets.value('beta'), 'hook-beta-new');
});

test('a failed or refused rotation does not block the next one', async () => {
  const hooks = fakeHooks();
  const rotator = new Rotator(t.core.secrets, t.core.leases, t.core.journal, 1000, hooks.runner);
  await assert.rejects(rotator.rotate('missing'), { code: 'SECRET_NOT_FOUND' });
  await assert.rejects(rotator.rotate('missing'), { code: 'SECRET_NOT_FOUND' });
  const next = rotator.rotate('beta');
  await hooks.started(1);
  hooks.runs[0]!.finish('beta-3');
  assert.equal((await next).rotated, true);
});
