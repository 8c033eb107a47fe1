/**
 * config.get / config.set against the real daemon: defaults filled in, a change written to config.json
 * and in effect for the next lease without a restart, bad input refused naming the field with the
 * file untouched byte for byte, refused without admin proof, audited by key name only; a rotation
 * shows when it happened in the secret's metadata.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { DaemonError } from '../../shared/errors.js';
import { parseConfig } from '../../electron/daemon/config.js';
import { adminRpc } from '../helpers/admin.js';
import { createTestCore } from '../helpers/core.js';
import { type TestStore, startedStore } from '../helpers/store.js';

const TOKEN = 'hb-token-4711';

describe('settings', () => {
  let store: TestStore;
  let configPath: string;
  before(async () => {
    store = await startedStore();
    configPath = join(store.home, 'config.json');
    assert.equal((await store.admin(['add', 'api_key'], { input: 'v1' })).code, 0);
  });
  after(() => store.cleanup());

  const refusal = async (promise: Promise<unknown>): Promise<DaemonError> => {
    try {
      await promise;
    } catch (error) {
      return error as DaemonError;
    }
    assert.fail('expected a refusal');
  };

  test('config.get answers the editable settings with every default filled in, and where the file is', async () => {
    const got = await adminRpc(store.socket, 'config.get', {});
    assert.equal(got.path, configPath);
    assert.deepEqual(got.restart_needed, []);
    assert.equal(got.config.default_lease_ttl, '1h');
    assert.equal(got.config.killswitch_grace, '5s');
    assert.deepEqual(got.config.heartbeat, { enabled: false, url: '', interval: '60s', timeout: '10s', failures_before_trigger: 3, fail_action: { revoke_all: true, rotate_all: false, wipe_store: false } });
    assert.equal(got.config.approvals.policy, 'prompt');
    assert.ok(!('server' in got.config), 'the socket limits are not among the window\'s settings');
  });

  test('a caller without admin proof can neither read nor change the settings', async () => {
    const client = await RpcClient.connect(store.socket);
    try {
      assert.equal((await refusal(client.call('config.get', {}))).code, 'ADMIN_REQUIRED');
      assert.equal((await refusal(client.call('config.set', { default_lease_ttl: '5m' }))).code, 'ADMIN_REQUIRED');
    } finally {
      client.close();
    }
    assert.doesNotMatch(readFileSync(configPath, 'utf8'), /5m/);
  });

  test('config.set writes config.json and a new default TTL applies to the next lease without a restart', async () => {
    const result = await adminRpc(store.socket, 'config.set', { default_lease_ttl: '10m', approvals: { deny_cooldown: '2m' } });
    assert.deepEqual(result.changed, ['approvals.deny_cooldown', 'default_lease_ttl']);
    assert.deepEqual(result.restart_needed, []);
    const file = JSON.parse(readFileSync(configPath, 'utf8'));
    assert.equal(file.default_lease_ttl, '10m');
    assert.deepEqual(file.approvals, { deny_cooldown: '2m' }, 'only the keys changed are added: the rest keep their defaults');
    assert.equal(file.max_lease_ttl, '24h', 'keys already in the file stay');
    assert.equal(statSync(configPath).mode & 0o777, 0o600);

    const lease = (await store.cli(['lease', 'api_key', '--json', '--client-id', 'ttl-check'])).json.data;
    const ttl = Date.parse(lease.expires_at) - Date.now();
    assert.ok(ttl > 9 * 60_000 && ttl <= 10 * 60_000, `the lease runs the new default 10m (${ttl} ms)`);
    assert.equal((await store.cli(['status', '--json'])).json.data.limits.default_lease_ttl, '10m');
  });

  test('invalid settings are refused naming the field, and config.json is unchanged byte for byte', async () => {
    const before = readFileSync(configPath);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ default_lease_ttl: 'forever' }, /default_lease_ttl: must be a positive/],
      [{ default_lease_ttl: '48h' }, /default_lease_ttl: must not exceed max_lease_ttl/],
      [{ heartbeat: { enabled: true } }, /heartbeat\.url/],
      [{ heartbeat: { fail_action: { nuke: true } } }, /heartbeat\.fail_action: unknown key/],
      [JSON.parse('{"__proto__": {"polluted": true}}'), /unknown key\(s\) "__proto__"/],
    ];
    for (const [change, message] of cases) {
      const error = await refusal(adminRpc(store.socket, 'config.set', change as never));
      assert.equal(error.code, 'INVALID_CONFIG', JSON.stringify(change));
      assert.match(error.message, message);
    }
    assert.equal((await refusal(adminRpc(store.socket, 'config.set', { server: { max_connections: 1 } } as never))).code, 'INVALID_PARAMS');
    assert.ok(readFileSync(configPath).equals(before), 'config.json is untouched');
  });

  test('what cannot change while running is saved and reported as waiting for a restart', async () => {
    const result = await adminRpc(store.socket, 'config.set', { heartbeat: { enabled: true, url: `https://example.invalid/ping/${TOKEN}` }, killswitch_grace: '2s' });
    assert.deepEqual(result.changed, ['heartbeat.enabled', 'heartbeat.url', 'killswitch_grace']);
    assert.deepEqual(result.restart_needed, ['heartbeat.enabled', 'heartbeat.url']);
    assert.equal(result.config.heartbeat.enabled, true, 'the answer shows the saved settings');
    assert.equal((await store.cli(['status', '--json'])).json.data.heartbeat.enabled, false, 'the heartbeat starts with the next start');
    assert.deepEqual((await adminRpc(store.socket, 'config.get', {})).restart_needed, ['heartbeat.enabled', 'heartbeat.url'], 'still waiting when read again');
  });

  test('each change is audited with the keys it changed, never their values', async () => {
    const entries = (await store.cli(['audit', '--action', 'config.changed', '--json'])).json.data.entries;
    assert.deepEqual(
      entries.map((e: { detail: { keys: string[] } }) => e.detail.keys),
      [['approvals.deny_cooldown', 'default_lease_ttl'], ['heartbeat.enabled', 'heartbeat.url', 'killswitch_grace']],
    );
    const text = JSON.stringify(entries);
    for (const value of [TOKEN, 'example.invalid', '10m', '2s']) assert.ok(!text.includes(value), `no value in the audit log: ${value}`);
  });

  test('a rotation is dated in the secret\'s metadata', async () => {
    assert.equal((await store.admin(['add', 'rotatable', '--rotate-via', 'printf new-value'], { input: 'old' })).code, 0);
    const listed = async () => (await adminRpc(store.socket, 'secrets.list', {})).secrets.find((s) => s.name === 'rotatable')!;
    assert.equal((await listed()).last_rotated_at, null);
    const started = Date.now();
    assert.equal((await store.admin(['rotate', 'rotatable'])).code, 0);
    const rotatedAt = Date.parse((await listed()).last_rotated_at!);
    assert.ok(rotatedAt >= started - 1000 && rotatedAt <= Date.now(), 'the time of the rotation');
    assert.equal((await store.admin(['set', 'rotatable'], { input: 'by-hand' })).code, 0);
    assert.equal(Date.parse((await listed()).last_rotated_at!), rotatedAt, 'a value set by hand is not a rotation');
  });
});

test('applyConfig swaps what is read per call and keeps what was wired at start', async () => {
  const t = await createTestCore({ heartbeat: { enabled: false } });
  try {
    const saved = parseConfig({ default_lease_ttl: '5m', rotation_timeout: '7s', killswitch_grace: '2s', approval_timeout: '30s', approvals: { policy: 'preapproved', preapproved: [{ client_id: 'ci' }], max_pending: 3 }, heartbeat: { enabled: true, url: 'https://hb.example/' } });
    t.core.applyConfig(saved);
    assert.equal(t.core.config.defaultLeaseTtlMs, 300_000);
    assert.equal(t.core.rotator.timeoutMs, 7000);
    assert.equal(t.core.supervised.graceMs, 2000);
    assert.equal(t.core.adminConfirmations.timeoutMs, 30_000);
    assert.equal(t.core.config.file.approvals.max_pending, 3);
    assert.equal(t.core.config.file.approvals.policy, 'prompt', 'the policy and its grants were loaded at start');
    assert.equal(t.core.config.file.heartbeat.enabled, false, 'the heartbeat timer was set up at start');
  } finally {
    await t.dispose();
  }
});
