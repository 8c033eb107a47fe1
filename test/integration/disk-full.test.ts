/**
 * The disk under the data dir fails: full (a small tmpfs filled to the last byte), read-only at start
 * (a tmpfs remounted ro), and read-only under a running daemon (an ext4 image that an error turns
 * read-only, as a real disk does: Linux refuses `remount,ro` while files are open for writing). Every
 * refused operation says what happened and what to do; no lease is handed out without its audit
 * entry; nothing is half-written; space coming back needs no restart. Root only (mounts).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliResult, TestStore } from '../helpers/store.js';
import { IS_ROOT, fillUp, forceReadOnly, mountExt4, mountTmpfs, unmount } from '../helpers/mounts.js';
import { sleep } from '../helpers/raw-socket.js';

const SKIP = IS_ROOT ? false : 'needs root: the test mounts a tmpfs and an ext4 image';
const CANARY_VALUE = 'disk "canary" ü 🔑';

/** A refusal that names the problem and what to do: exit 1, the code, a hint, never a crash's words. */
function assertRefused(result: CliResult, code: string, message: RegExp, hint: RegExp): void {
  assert.equal(result.code, 1, `${code} expected: ${result.stdout} ${result.stderr}`);
  assert.equal(result.json?.error?.code, code, result.stdout);
  assert.match(result.json.error.message, message);
  assert.match(result.json.error.hint, hint);
  assert.doesNotMatch(result.stderr, /^\s+at |unexpected (failure|error)|internal error/im, result.stderr);
}

/** Every lease the CLI handed out has its lease.granted entry, and the chain verifies. */
async function assertLeasesAudited(store: TestStore, leaseIds: string[]): Promise<void> {
  const audit = await store.cli(['audit', '--action', 'lease.granted', '--tail', '10000', '--json']);
  assert.equal(audit.code, 0, audit.stderr);
  const audited = new Set(audit.json.data.entries.map((e: { lease_id: string }) => e.lease_id));
  for (const id of leaseIds) assert.ok(audited.has(id), `lease ${id} was handed out without its audit entry`);
  const verify = await store.cli(['audit', 'verify', '--json']);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.equal(verify.json.data.ok, true);
}

/** Every secret decrypts to the value it was given. */
async function assertValues(store: TestStore, values: Map<string, string>): Promise<void> {
  const list = await store.cli(['list', '--json']);
  assert.equal(list.code, 0, list.stderr);
  const names = list.json.data.secrets.map((s: { name: string }) => s.name).sort();
  assert.deepEqual(names, [...values.keys()].sort(), 'a secret appeared or vanished');
  for (const [name, value] of values) {
    const lease = await store.cli(['lease', name, '--client-id', 'disk-agent']);
    assert.equal(lease.code, 0, lease.stderr);
    assert.equal(lease.stdout, value, `the value of ${name}`);
  }
}

describe('a full disk under a running daemon', { skip: SKIP }, () => {
  let store: TestStore;
  const values = new Map<string, string>([['canary', CANARY_VALUE]]);
  const handedOut: string[] = [];
  let longLease = '';
  let shortLease = '';
  let pid = 0;
  const filler = () => join(store.home, 'filler');

  before(async () => {
    store = new TestStore();
    mountTmpfs(store.home, '4m');
    await store.init();
    await store.start();
    pid = store.daemon!.child.pid!;
    assert.equal((await store.admin(['add', 'canary'], { input: CANARY_VALUE })).code, 0);
    const long = await store.cli(['lease', 'canary', '--client-id', 'disk-agent', '--json']);
    const short = await store.cli(['lease', 'canary', '--client-id', 'disk-agent', '--ttl', '1s', '--json']);
    longLease = long.json.data.lease_id;
    shortLease = short.json.data.lease_id;
    handedOut.push(longLease, shortLease);
  });

  after(async () => {
    await store?.daemon?.stop('SIGKILL');
    if (store) unmount(store.home);
    await store?.cleanup();
  });

  test('every write is refused with DISK_FULL (nothing changed), reads still work, the daemon keeps serving', async (t) => {
    fillUp(filler());
    let refused = 0;
    const check = (result: CliResult) => {
      if (result.code === 0) return true;
      assertRefused(result, 'DISK_FULL', /the disk holding the store is full .*nothing was changed/, /free space on that filesystem.*without a restart/);
      refused++;
      return false;
    };
    // SQLite may still fit a few commits into WAL pages it reuses: each either commits or is refused.
    for (let i = 0; i < 6; i++) {
      const lease = await store.cli(['lease', 'canary', '--client-id', 'disk-agent', '--json']);
      if (check(lease)) handedOut.push(lease.json.data.lease_id);
      const value = `v${i} ${'x'.repeat(2000)}`;
      if (check(await store.admin(['add', `full_${i}`, '--json'], { input: value }))) values.set(`full_${i}`, value);
    }
    check(await store.cli(['renew', longLease, '--json']));
    assert.ok(refused > 0, 'nothing was refused: the disk was not full');
    t.diagnostic(`${refused} operations refused`);

    // A lease whose time passes while the disk is full: closing it fails, the daemon lives, it is refused.
    const expiresAt = Date.parse((await store.cli(['leases', '--json'])).json.data.leases.find((l: { lease_id: string }) => l.lease_id === shortLease)?.expires_at ?? new Date().toISOString());
    await sleep(Math.max(0, expiresAt - Date.now()) + 1500);
    const renewExpired = await store.cli(['renew', shortLease, '--json']);
    assert.equal(renewExpired.code, 6, renewExpired.stdout);

    for (const read of [['status', '--json'], ['list', '--json'], ['audit', '--tail', '5', '--json'], ['audit', 'verify', '--json']]) {
      const result = await store.cli(read);
      assert.equal(result.code, 0, `${read.join(' ')}: ${result.stdout} ${result.stderr}`);
    }
    assert.equal(store.daemon!.child.exitCode, null, 'the daemon died');
  });

  test('space returns: the same daemon takes writes again, no lease without its audit entry, nothing half-written', async () => {
    rmSync(filler());
    const added = await store.admin(['add', 'after_full'], { input: 'back' });
    assert.equal(added.code, 0, added.stderr);
    values.set('after_full', 'back');
    const lease = await store.cli(['lease', 'canary', '--client-id', 'disk-agent', '--json']);
    assert.equal(lease.code, 0, lease.stderr);
    handedOut.push(lease.json.data.lease_id);
    const status = await store.cli(['status', '--json']);
    assert.equal(status.json.data.pid, pid, 'the daemon was restarted');

    // The lease that expired while the disk was full is closed, with its audit entry.
    let expired = false;
    for (let i = 0; i < 50 && !expired; i++) {
      const audit = await store.cli(['audit', '--action', 'lease.expired', '--json']);
      expired = audit.json.data.entries.some((e: { lease_id: string }) => e.lease_id === shortLease);
      if (!expired) await sleep(100);
    }
    assert.ok(expired, 'the lease that expired during the full disk was never closed');

    await assertLeasesAudited(store, handedOut);
    await assertValues(store, values);
    // The file opens cleanly after a restart (the start-up check reads every page of a store this size).
    await store.daemon!.stop('SIGTERM');
    await store.start();
    await assertValues(store, values);
  });
});

describe("the background daemon's log on a full disk", { skip: SKIP }, () => {
  let store: TestStore;
  let pid = 0;

  before(async () => {
    store = new TestStore();
    mountTmpfs(store.home, '4m');
    await store.init();
  });

  after(async () => {
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    if (store) unmount(store.home);
    await store?.cleanup();
  });

  test('log lines that cannot be written are lost, not fatal; the log carries on when space returns', async () => {
    const served = await store.cli(['serve', '--json', '--passphrase-file', store.passphraseFile]);
    assert.equal(served.code, 0, served.stdout + served.stderr);
    pid = served.json.data.pid;
    assert.equal((await store.admin(['add', 'canary'], { input: CANARY_VALUE })).code, 0);
    const log = join(store.home, 'daemon.log');
    fillUp(join(store.home, 'filler'));
    fillUp(log); // not even the last page of the log has room
    const before = readFileSync(log).length;
    for (let i = 0; i < 3; i++) assertRefused(await store.admin(['add', `x${i}`, '--json'], { input: 'v' }), 'DISK_FULL', /full/, /free space/);
    assert.equal(readFileSync(log).length, before);
    process.kill(pid, 0); // still alive
    rmSync(join(store.home, 'filler'));
    assert.equal((await store.admin(['add', 'after'], { input: 'v' })).code, 0);
    assert.match(readFileSync(log, 'utf8').slice(before), /the store takes writes again/);
    const status = await store.cli(['status', '--json']);
    assert.equal(status.json.data.pid, pid);
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
        await sleep(50);
      } catch {
        pid = 0;
        break;
      }
    }
  });
});

describe('a read-only data dir', { skip: SKIP }, () => {
  let store: TestStore;

  before(async () => {
    store = new TestStore();
    mountTmpfs(store.home, '4m');
    await store.init();
  });

  after(async () => {
    await store?.daemon?.stop('SIGKILL');
    if (store) unmount(store.home);
    await store?.cleanup();
  });

  test('serve refuses to start on it, saying so; made writable again, it starts', async () => {
    execFileSync('mount', ['-o', 'remount,ro', store.home]);
    try {
      const result = await store.cli(['serve', '--foreground', '--json', '--passphrase-file', store.passphraseFile], { timeoutMs: 15_000 });
      assert.equal(result.signal, null);
      assertRefused(result, 'STORE_READ_ONLY', /read-only filesystem .*the daemon did not start/, /make it writable again/);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', store.home]);
    }
    await store.start();
    assert.equal((await store.admin(['add', 'canary'], { input: CANARY_VALUE })).code, 0);
  });
});

describe('the filesystem turning read-only under a running daemon (an ext4 error)', { skip: SKIP }, () => {
  let store: TestStore;
  const image = join(tmpdir(), `as-ro-${process.pid}.img`);
  const handedOut: string[] = [];

  before(async () => {
    store = new TestStore();
    mountExt4(store.home, image, 16);
    execFileSync('chmod', ['700', store.home]);
    await store.init();
    await store.start();
    assert.equal((await store.admin(['add', 'canary'], { input: CANARY_VALUE })).code, 0);
    const lease = await store.cli(['lease', 'canary', '--client-id', 'disk-agent', '--json']);
    handedOut.push(lease.json.data.lease_id);
  });

  after(async () => {
    await store?.daemon?.stop('SIGKILL');
    if (store) unmount(store.home);
    rmSync(image, { force: true });
    await store?.cleanup();
  });

  test('reads keep working, leases and every change are refused with STORE_READ_ONLY, the daemon keeps serving and stops cleanly', async () => {
    // What was committed is on the disk before the error (synchronous=NORMAL leaves it in the page cache).
    execFileSync('sync');
    forceReadOnly(store.home);
    for (const read of [['status', '--json'], ['list', '--json'], ['leases', '--json'], ['audit', '--tail', '5', '--json'], ['audit', 'verify', '--json']]) {
      const result = await store.cli(read);
      assert.equal(result.code, 0, `${read.join(' ')}: ${result.stdout} ${result.stderr}`);
    }
    const refusals = [
      await store.cli(['lease', 'canary', '--client-id', 'disk-agent', '--json']),
      await store.admin(['add', 'later', '--json'], { input: 'v' }),
      await store.cli(['revoke', handedOut[0]!, '--json']),
    ];
    for (const result of refusals) assertRefused(result, 'STORE_READ_ONLY', /read-only filesystem .*nothing was changed/, /make it writable again/);
    assert.equal(store.daemon!.child.exitCode, null, 'the daemon died');
    assert.equal(await store.daemon!.stop('SIGTERM'), 0, 'the daemon did not stop cleanly');
  });

  test('once the disk is checked and mounted again, everything committed before is there', async () => {
    await store.daemon?.stop('SIGKILL'); // if the test before failed early: not left on the detached mount
    unmount(store.home);
    try {
      execFileSync('e2fsck', ['-fy', image], { stdio: 'ignore' }); // clears the error flag the test raised
    } catch {
      // Exit 1: errors were corrected, which is what it was asked to do.
    }
    execFileSync('mount', ['-o', 'loop', image, store.home]);
    await store.start();
    await assertLeasesAudited(store, handedOut);
    const leases = await store.cli(['leases', '--json']);
    assert.ok(leases.json.data.leases.some((l: { lease_id: string }) => l.lease_id === handedOut[0]));
    await assertValues(store, new Map([['canary', CANARY_VALUE]]));
  });
});
