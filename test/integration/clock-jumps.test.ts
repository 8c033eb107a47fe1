/**
 * The real daemon with its wall clock set forward and back while it runs: libfaketime (Debian's
 * `faketime`) fakes its Date.now() from an offset file read at every call, and leaves the monotonic
 * clock alone (DONT_FAKE_MONOTONIC). The CLI runs on the true clock, as a person's would after the jump
 * had settled; what it is shown must be right on the daemon's (faked) clock.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestStore } from '../helpers/store.js';

const HOUR = 3_600_000;
const LIBFAKETIME = ['x86_64-linux-gnu', 'aarch64-linux-gnu'].map((arch) => `/usr/lib/${arch}/faketime/libfaketime.so.1`).find(existsSync);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the wall clock set while the daemon runs (faketime)', { skip: LIBFAKETIME === undefined && 'needs libfaketime: apt-get install faketime' }, () => {
  let store: TestStore;
  let offsetFile: string;
  /** The daemon's wall clock is this far from the true one. */
  let offsetMs = 0;
  const setDaemonClock = (ms: number) => {
    offsetMs = ms;
    writeFileSync(offsetFile, `${ms >= 0 ? '+' : ''}${ms / 1000}s\n`);
  };

  before(async () => {
    store = new TestStore();
    offsetFile = join(store.home, '..', `${store.home.split('/').pop()}.faketime`);
    setDaemonClock(0);
    await store.init();
    await store.start({ LD_PRELOAD: LIBFAKETIME!, FAKETIME_TIMESTAMP_FILE: offsetFile, FAKETIME_NO_CACHE: '1', DONT_FAKE_MONOTONIC: '1' });
    await store.admin(['add', 'db_password'], { input: 'hunter2' });
  });
  after(() => store.cleanup());

  /** The lease as `secrets leases` lists it now, or undefined once it ended. */
  const listed = async (leaseId: string) => {
    const result = await store.cli(['leases', '--json']);
    assert.equal(result.code, 0, result.stderr);
    return (result.json.data.leases as { lease_id: string; expires_at: string }[]).find((l) => l.lease_id === leaseId);
  };

  for (const [direction, jumpMs] of [['forward', HOUR], ['back', -HOUR]] as const) {
    test(`set ${direction} 1 h: a 10 s lease is shown ~10 s ahead of the new clock, renews, and ends after ~10 s`, async () => {
      const lease = (await store.cli(['lease', 'db_password', '--ttl', '10s', '--json', '--client-id', `jump-${direction}`])).json.data;
      setDaemonClock(offsetMs + jumpMs);
      const shown = await listed(lease.lease_id);
      assert.ok(shown, 'still active after the jump');
      const ahead = Date.parse(shown.expires_at) - (Date.now() + offsetMs);
      assert.ok(ahead > 0 && ahead <= 10_000, `expires ${ahead} ms after the daemon's now`);

      const renew = await store.cli(['renew', lease.lease_id, '--ttl', '10s', '--json']);
      assert.equal(renew.code, 0, renew.stderr);
      const renewedAt = Date.now();
      const renewedAhead = Date.parse(renew.json.data.expires_at) - (renewedAt + offsetMs);
      assert.ok(Math.abs(renewedAhead - 10_000) < 2_000, `renewed until ${renewedAhead} ms after the daemon's now`);

      while ((await listed(lease.lease_id)) !== undefined) {
        assert.ok(Date.now() - renewedAt < 60_000, 'ended within a minute');
        await sleep(250);
      }
      assert.ok(Date.now() - renewedAt >= 5_000, `ended ${Date.now() - renewedAt} ms after a 10 s renewal`);
    });
  }

  test('the audit records each jump with its size and the leases re-dated', async () => {
    const audit = await store.cli(['audit', '--action', 'clock.jumped', '--json']);
    const entries = (audit.json.data.entries as { detail: { delta_ms: number; direction: string; leases_redated: number } }[]).map((e) => e.detail);
    assert.equal(entries.length, 2, JSON.stringify(entries));
    const [forward, back] = [...entries].sort((a, b) => b.delta_ms - a.delta_ms);
    for (const [entry, jumpMs, direction] of [[forward!, HOUR, 'forward'], [back!, -HOUR, 'backward']] as const) {
      assert.ok(Math.abs(entry.delta_ms - jumpMs) < 1_000, `delta ${entry.delta_ms}`);
      assert.equal(entry.direction, direction);
      assert.equal(entry.leases_redated, 1);
    }
    const verify = await store.cli(['audit', 'verify', '--json']);
    assert.equal(verify.code, 0, verify.stdout);
  });
});
