/** The whole headless lifecycle, driven through the real CLI as an agent would. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chownSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TestStore, startedStore } from '../helpers/store.js';

describe('init', () => {
  test('creates a 0700 data dir and refuses to overwrite an existing store', async () => {
    const store = new TestStore();
    try {
      await store.init();
      assert.equal(statSync(store.home).mode & 0o777, 0o700);
      assert.equal(statSync(join(store.home, 'identity.age')).mode & 0o777, 0o600);
      const before = statSync(join(store.home, 'identity.age')).mtimeMs;
      const again = await store.cli(['init', '--passphrase-file', store.passphraseFile]);
      assert.equal(again.code, 1);
      assert.equal(again.json.error.code, 'STORE_EXISTS');
      assert.equal(statSync(join(store.home, 'identity.age')).mtimeMs, before);
      const insecure = await store.cli(['init', '--insecure-keyfile']);
      assert.equal(insecure.code, 1);
      assert.equal(existsSync(join(store.home, 'identity.key')), false);
    } finally {
      await store.cleanup();
    }
  });

  test('--insecure-keyfile writes a 0600 plaintext key and status warns about it', async () => {
    const store = await startedStore({ insecure: true });
    try {
      assert.equal(statSync(join(store.home, 'identity.key')).mode & 0o777, 0o600);
      const status = await store.cli(['status']);
      assert.equal(status.json.data.protection, 'insecure-keyfile');
      assert.match(status.json.data.warnings.join('\n'), /plaintext key file/);
      const add = await store.cli(['add', 'open_secret'], { input: 'v' });
      assert.equal(add.code, 0, 'admin actions are open without a passphrase in insecure mode');
    } finally {
      await store.cleanup();
    }
  });
});

test('serve refuses a data dir owned by another user', { skip: process.getuid?.() !== 0 && 'needs root to chown' }, async () => {
  const store = new TestStore();
  try {
    await store.init();
    chownSync(store.home, 65534, 65534);
    const result = await store.cli(['serve', '--foreground', '--passphrase-file', store.passphraseFile]);
    assert.equal(result.code, 1);
    assert.equal(result.json.error.code, 'UNSAFE_PERMISSIONS');
    assert.match(result.json.error.message, /owned by uid 65534/);
    assert.equal(existsSync(store.socket), false);
  } finally {
    chownSync(store.home, 0, 0);
    await store.cleanup();
  }
});

describe('daemon and CLI lifecycle', () => {
  let store: TestStore;
  before(async () => {
    store = await startedStore();
  });
  after(() => store.cleanup());

  test('every file in the data dir (db, WAL, shm, config, identity, socket) is 0600', async () => {
    await store.admin(['add', 'perm_probe'], { input: 'x' });
    const files = readdirSync(store.home);
    for (const name of ['state.db', 'state.db-wal', 'state.db-shm', 'config.json', 'identity.age', 'daemon.sock']) assert.ok(files.includes(name), name);
    for (const name of files) assert.equal(statSync(join(store.home, name)).mode & 0o777, 0o600, name);
    await store.admin(['rm', 'perm_probe']);
  });

  test('socket is 0600 and a CLI with no daemon exits 69 with a hint', async () => {
    assert.equal(statSync(store.socket).mode & 0o777, 0o600);
    const other = new TestStore();
    try {
      const result = await other.cli(['status']);
      assert.equal(result.code, 69);
      assert.equal(result.json.error.code, 'DAEMON_NOT_RUNNING');
      assert.match(result.stderr, /secrets: hint: the person must start it with: secrets serve/);
      assert.ok(result.json.next_actions.length > 0);
    } finally {
      await other.cleanup();
    }
  });

  test('add from stdin, list never shows values, lease prints exact bytes', async () => {
    const add = await store.admin(['add', 'github_token', '--description', 'CI token'], { input: 'ghp_exact value  \n' });
    assert.equal(add.code, 0, add.stderr);
    assert.equal(add.json.ok, true);
    assert.equal(add.json.data.name, 'github_token');

    const list = await store.cli(['list']);
    assert.equal(list.code, 0);
    assert.deepEqual(list.json.data.secrets.map((s: { name: string }) => s.name), ['github_token']);
    assert.equal(list.json.data.secrets[0].description, 'CI token');
    assert.ok(!list.stdout.includes('ghp_exact'), 'list must never show values');

    const lease = await store.cli(['lease', 'github_token', '--client-id', 'agent-1']);
    assert.equal(lease.code, 0);
    assert.equal(lease.stdout, 'ghp_exact value  ', 'raw value, one trailing newline dropped, nothing added');
    const raw = await store.cli(['lease', 'github_token', '--raw', '--client-id', 'agent-1']);
    assert.equal(raw.stdout, 'ghp_exact value  ');
  });

  test('lease --json has exactly the documented fields and next_actions', async () => {
    const lease = await store.cli(['lease', 'github_token', '--json', '--ttl', '30m', '--client-id', 'agent-json']);
    assert.equal(lease.code, 0);
    assert.deepEqual(Object.keys(lease.json.data).sort(), ['client_id', 'expires_at', 'lease_id', 'secret_name', 'value']);
    assert.equal(lease.json.data.value, 'ghp_exact value  ');
    assert.equal(lease.json.data.client_id, 'agent-json');
    const ttl = Date.parse(lease.json.data.expires_at) - Date.now();
    assert.ok(ttl > 29 * 60_000 && ttl <= 30 * 60_000, `expiry ${ttl} ms away`);
    assert.ok(lease.json.next_actions.some((a: { command: string }) => a.command === `secrets revoke ${lease.json.data.lease_id}`));
  });

  test('client id comes from AGENT_SECRETS_CLIENT_ID when no flag is given', async () => {
    const lease = await store.cli(['lease', 'github_token', '--json'], { env: { AGENT_SECRETS_CLIENT_ID: 'from-env' } });
    assert.equal(lease.json.data.client_id, 'from-env');
  });

  test('errors: unknown secret 3, bad durations 2, admin without passphrase 4', async () => {
    const missing = await store.cli(['lease', 'nope']);
    assert.equal(missing.code, 3);
    assert.equal(missing.stdout, '', 'a failing raw lease leaves stdout empty');
    assert.match(missing.stderr, /secrets: error: secret "nope" not found/);
    for (const ttl of ['0s', '-5m', 'soon', '25h']) {
      const bad = await store.cli(['lease', 'github_token', `--ttl=${ttl}`, '--json']);
      assert.equal(bad.code, 2, `ttl ${ttl}`);
      assert.equal(bad.json.error.code, 'INVALID_DURATION');
      assert.match(bad.json.error.hint, /between 1s and 24h/);
    }
    const agentAdd = await store.cli(['add', 'sneaky'], { input: 'x' });
    assert.equal(agentAdd.code, 4);
    assert.equal(agentAdd.json.error.code, 'ADMIN_REQUIRED');
    const wrong = await store.cli(['rm', 'github_token', '--passphrase-file', '/dev/null']);
    assert.equal(wrong.code, 2, 'an empty passphrase file is a usage error');
    const list = await store.cli(['list']);
    assert.deepEqual(list.json.data.secrets.map((s: { name: string }) => s.name), ['github_token']);
  });

  test('wrong passphrase is denied (4) and audited', async () => {
    const result = await store.cli(['set', 'github_token', '--passphrase-file', '/etc/hostname'], { input: 'changed' });
    assert.equal(result.code, 4);
    assert.equal(result.json.error.code, 'PASSPHRASE_INCORRECT');
    const audit = await store.cli(['audit', '--action', 'admin.denied', '--tail', '5']);
    assert.ok(audit.json.data.entries.some((e: { detail: { reason: string } }) => e.detail.reason === 'PASSPHRASE_INCORRECT'));
  });

  test('add refuses an existing name; set replaces the value; rm revokes its leases', async () => {
    const dup = await store.admin(['add', 'github_token'], { input: 'x' });
    assert.equal(dup.code, 1);
    assert.equal(dup.json.error.code, 'SECRET_EXISTS');

    await store.admin(['add', 'temp'], { input: 'one' });
    const lease = await store.cli(['lease', 'temp', '--json', '--client-id', 'agent-2']);
    const set = await store.admin(['set', 'temp'], { input: 'second-value-Q9\n' });
    assert.equal(set.code, 0);
    assert.equal((await store.cli(['lease', 'temp'])).stdout, 'second-value-Q9');

    const rm = await store.admin(['rm', 'temp']);
    assert.equal(rm.code, 0);
    assert.equal(rm.json.data.revoked_leases, 2);
    const renew = await store.cli(['renew', lease.json.data.lease_id]);
    assert.equal(renew.code, 6);
    assert.equal(renew.json.error.code, 'LEASE_REVOKED');
    assert.equal((await store.cli(['lease', 'temp'])).code, 3);
  });

  test('leases lists without values, filters by client and secret; renew; revoke forms', async () => {
    await store.admin(['add', 'api_key'], { input: 'sk-123' });
    const a = (await store.cli(['lease', 'api_key', '--json', '--client-id', 'rev-a'])).json.data;
    const b = (await store.cli(['lease', 'api_key', '--json', '--client-id', 'rev-b'])).json.data;
    await store.cli(['lease', 'github_token', '--json', '--client-id', 'rev-b']);

    const byClient = await store.cli(['leases', '--client', 'rev-b']);
    assert.equal(byClient.json.data.leases.length, 2);
    assert.ok(!byClient.stdout.includes('sk-123') && !byClient.stdout.includes('ghp_exact'));
    const bySecret = await store.cli(['leases', '--secret', 'api_key']);
    assert.deepEqual(bySecret.json.data.leases.map((l: { lease_id: string }) => l.lease_id).sort(), [a.lease_id, b.lease_id].sort());

    const renewed = await store.cli(['renew', a.lease_id, '--ttl', '2h']);
    assert.equal(renewed.code, 0);
    assert.ok(Date.parse(renewed.json.data.expires_at) > Date.parse(a.expires_at));
    const capped = await store.cli(['renew', a.lease_id, '--ttl', '24h']);
    assert.equal(capped.json.data.capped, true, 'renewal never goes past created_at + max TTL');

    const one = await store.cli(['revoke', a.lease_id]);
    assert.deepEqual(one.json.data.revoked, [a.lease_id]);
    assert.equal((await store.cli(['renew', a.lease_id])).code, 6);
    const byClientRevoke = await store.cli(['revoke', '--client', 'rev-b']);
    assert.equal(byClientRevoke.json.data.revoked.length, 2);
    assert.equal((await store.cli(['revoke', 'L-doesnotexist00'])).code, 3);
    assert.equal((await store.cli(['revoke'])).code, 2);
    await store.cli(['lease', 'api_key', '--client-id', 'rev-c']);
    const all = await store.cli(['revoke', '--all']);
    assert.ok(all.json.data.revoked.length >= 1);
    assert.equal((await store.cli(['leases'])).json.data.leases.length, 0);
  });

  test('status and health report counts', async () => {
    const status = await store.cli(['status']);
    assert.equal(status.code, 0);
    assert.equal(status.json.data.protection, 'passphrase');
    assert.equal(status.json.data.counts.secrets, 2);
    assert.equal(status.json.data.killswitch.engaged, false);
    const health = await store.cli(['health']);
    assert.equal(health.json.data.ok, true);
  });

  test('audit filters, jsonl and verify', async () => {
    const granted = await store.cli(['audit', '--action', 'lease.granted', '--client', 'rev-b', '--tail', '100']);
    assert.equal(granted.json.data.entries.length, 2);
    for (const entry of granted.json.data.entries) {
      assert.equal(entry.action, 'lease.granted');
      assert.equal(entry.client_id, 'rev-b');
      assert.equal(typeof entry.pid, 'number');
    }
    const jsonl = await store.cli(['audit', '--jsonl', '--tail', '3']);
    const lines = jsonl.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    lines.forEach((line) => assert.equal(typeof JSON.parse(line).id, 'number'));
    const since = await store.cli(['audit', '--since', '1h', '--secret', 'api_key']);
    assert.ok(since.json.data.entries.length >= 3);
    const whole = await store.cli(['audit', '--tail', '100000', '--jsonl']);
    for (const value of ['ghp_exact', 'sk-123', 'second-value-Q9', PASSPHRASE_FRAGMENT]) assert.ok(!whole.stdout.includes(value), `audit must not contain ${value}`);
    const verify = await store.cli(['audit', 'verify']);
    assert.equal(verify.code, 0);
    assert.equal(verify.json.data.ok, true);
  });

  test('audit --follow streams new entries as they are appended', async () => {
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../helpers/store.js');
    const child = spawn(process.execPath, [CLI, 'audit', '--follow', '--tail', '1', '--action', 'lease.granted'], { env: { ...process.env, ...store.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await waitFor(() => out.split('\n').filter(Boolean).length >= 1);
      await store.cli(['lease', 'api_key', '--client-id', 'follower']);
      await waitFor(() => out.includes('"follower"'));
      const lines = out.trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(lines.at(-1).client_id, 'follower');
      assert.ok(lines.every((e) => e.action === 'lease.granted'));
    } finally {
      child.kill('SIGINT');
    }
  });
});

const PASSPHRASE_FRAGMENT = 'horse battery';

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
