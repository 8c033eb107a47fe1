/**
 * The crash loop in test mode (test/faults/crash-loop.ts): the headless daemon and the tray app's
 * in-process daemon SIGKILLed at seeded points of a storm of writes, leases and approvals, restarted
 * on the same data dir, and checked after every kill. A fixed seed by default; `CRASH_SEED=n` replays
 * (or explores) another. The long run is the bench section: `npm run bench -- crashloop`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type CrashLoopOptions, runCrashLoop } from '../faults/crash-loop.js';

const SEED = process.env.CRASH_SEED === undefined ? 20_240_613 : Number(process.env.CRASH_SEED);

async function loop(t: { diagnostic(message: string): void }, options: Omit<CrashLoopOptions, 'seed'>): Promise<void> {
  t.diagnostic(`seed ${SEED} (replay with CRASH_SEED=${SEED})`);
  const stats = await runCrashLoop({ seed: SEED, ...options });
  assert.equal(stats.kills, options.cycles);
  assert.ok(stats.acknowledged > 0, 'the storm acknowledged nothing');
  t.diagnostic(`${stats.kills} kills, ${stats.acknowledged} operations acknowledged (${JSON.stringify(stats.byKind)}), ${stats.checks} checks passed`);
}

describe('crash loop', () => {
  test('the headless daemon, SIGKILLed 20 times mid-storm: nothing acknowledged is lost', (t) => loop(t, { target: 'daemon', cycles: 20, opsPerCycleRange: [5, 120] }));

  test("the tray app's in-process daemon, SIGKILLed 6 times mid-storm: nothing acknowledged is lost", (t) =>
    loop(t, { target: 'tray', cycles: 6, opsPerCycleRange: [5, 80] }));
});
