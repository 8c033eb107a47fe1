/**
 * Rotation hooks: the hook's stdout becomes the value atomically and the old value's leases are
 * revoked; a failure or a timeout keeps the old value; what a hook prints never reaches the audit
 * log, the daemon's log or an RPC result; the hook runs in a clean environment.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestStore, startedStore } from '../helpers/store.js';

const HOOK_STDERR = 'hook-stderr-canary-7731';

describe('rotation', () => {
  let store: TestStore;
  before(async () => {
    store = await startedStore({ config: { rotation_timeout: '1s', killswitch_grace: '1s' } });
    const counter = `${store.home}/../${store.home.split('/').pop()}.counter`;
    const hooks: [string, string][] = [
      // Prints a new value each time (and something on stderr that must go nowhere).
      ['rotating', `n=$(cat '${counter}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${counter}'; echo ${HOOK_STDERR} >&2; echo "rotated-value-$n"`],
      ['failing', 'echo would-be-value; exit 3'],
      ['slow', 'sleep 5; echo too-late'],
      ['silent', 'true'],
      ['clean_env', 'if [ -z "$AGENT_SECRETS_HOME" ] && [ -z "$AGENT_SECRETS_LOG_LEVEL" ]; then echo clean; else echo leaked; fi'],
    ];
    for (const [name, hook] of hooks) assert.equal((await store.admin(['add', name, '--rotate-via', hook], { input: `initial-${name}` })).code, 0);
    assert.equal((await store.admin(['add', 'no_hook'], { input: 'x' })).code, 0);
  });
  after(() => store.cleanup());

  test('the hook output becomes the value and the old value\'s leases are revoked', async () => {
    const old = (await store.cli(['lease', 'rotating', '--json', '--client-id', 'holder'])).json.data;
    assert.equal(old.value, 'initial-rotating');
    // A client approved for the secret may rotate it (a leak it suspects is made worthless).
    const result = await store.cli(['rotate', 'rotating', '--client-id', 'holder']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.data.rotated, true);
    assert.equal(result.json.data.revoked_leases, 1);
    assert.equal(result.json.data.exit_code, 0);
    assert.ok(!result.stdout.includes('rotated-value'), 'the RPC result never carries the new value');
    assert.equal((await store.cli(['renew', old.lease_id])).code, 6);
    assert.equal((await store.cli(['lease', 'rotating'])).stdout, 'rotated-value-1');
    await store.admin(['rotate', 'rotating']);
    assert.equal((await store.cli(['lease', 'rotating'])).stdout, 'rotated-value-2', 'the store owner may rotate any secret');
  });

  test('a client with no grant for the secret cannot rotate it: the value stays, the refusal is audited', async () => {
    const result = await store.cli(['rotate', 'rotating', '--client-id', 'stranger']);
    assert.equal(result.code, 4, result.stderr);
    assert.equal(result.json.error.code, 'DENIED');
    assert.match(result.json.error.message, /needs a grant/);
    assert.equal((await store.cli(['lease', 'rotating'])).stdout, 'rotated-value-2', 'no hook ran');
  });

  test('a failing, silent or slow hook keeps the old value, with a reason and the exit code only', async () => {
    for (const [name, reason] of [['failing', /exited with 3/], ['silent', /printed nothing/], ['slow', /timed out after 1000 ms/]] as const) {
      const result = await store.admin(['rotate', name, '--json']);
      assert.equal(result.code, 1, name);
      assert.equal(result.json.error.code, 'ROTATION_FAILED');
      assert.match(result.json.error.message, reason);
      assert.equal((await store.cli(['lease', name])).stdout, `initial-${name}`, `${name} keeps its value`);
    }
    const failures = (await store.cli(['audit', '--action', 'secret.rotation_failed'])).json.data.entries;
    assert.deepEqual(failures.map((e: { secret_name: string }) => e.secret_name).sort(), ['failing', 'silent', 'slow']);
    assert.equal(failures.find((e: { secret_name: string }) => e.secret_name === 'failing').detail.exit_code, 3);
  });

  test('hooks run in a clean environment', async () => {
    assert.equal((await store.admin(['rotate', 'clean_env'])).code, 0);
    assert.equal((await store.cli(['lease', 'clean_env'])).stdout, 'clean');
  });

  test('a secret without a hook says how to add one', async () => {
    const result = await store.admin(['rotate', 'no_hook']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--rotate-via/);
  });

  test('nothing a hook printed is in the audit log or the daemon log', async () => {
    const audit = (await store.cli(['audit', '--jsonl', '--tail', '100000'])).stdout;
    for (const text of ['rotated-value-', HOOK_STDERR, 'would-be-value', 'too-late']) {
      assert.ok(!audit.includes(text), `audit contains ${text}`);
      assert.ok(!store.daemon!.stderr().includes(text), `daemon log contains ${text}`);
    }
    assert.ok(audit.includes('"secret.rotated"'));
  });

  test('killswitch --rotate runs every hook after the lock', async () => {
    assert.equal((await store.cli(['killswitch', '--rotate'])).code, 4, 'running every hook is the owner\'s call');
    const engaged = await store.admin(['killswitch', '--rotate', '--reason', 'rotate all']);
    assert.equal(engaged.code, 0, engaged.stderr);
    assert.equal(engaged.json.data.rotations_started, 5);
    const rotations = async () => (await store.cli(['audit', '--action', 'secret.rotated', '--secret', 'rotating'])).json.data.entries.length;
    for (let i = 0; i < 100 && (await rotations()) < 3; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await rotations(), 3, 'the hook ran a third time');
    assert.equal((await store.cli(['lease', 'rotating'])).code, 5, 'still locked');
    assert.equal((await store.admin(['killswitch', '--disengage'])).code, 0);
    assert.equal((await store.cli(['lease', 'rotating'])).stdout, 'rotated-value-3');
  });
});
