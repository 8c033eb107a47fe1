/**
 * Faults: the daemon killed with SIGKILL in the middle of write traffic and restarted, a second
 * daemon started on a live socket, an unsafe data dir, socket paths too long for a Unix socket, and
 * bad config files. Each must end in a clear error (or a clean recovery), never a crash, and never
 * lose an acknowledged write.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliResult, PASSPHRASE, TestStore, startedStore } from '../helpers/store.js';
import { RawClient, sleep } from '../helpers/raw-socket.js';

const CANARY = 'fault_canary';
const CANARY_VALUE = 'f@ult "canary" \\ ünï 🚀\ttab';

/** A value with awkward bytes, unique per secret. */
const valueFor = (name: string) => `${name}:${randomBytes(6).toString('base64')} "q" \\ ü 🔑`;

async function assertCanary(store: TestStore): Promise<void> {
  const lease = await store.cli(['lease', CANARY, '--client-id', 'fault-check']);
  assert.equal(lease.code, 0, lease.stderr);
  assert.equal(lease.stdout, CANARY_VALUE);
}

async function assertAuditVerifies(store: TestStore): Promise<number> {
  const verify = await store.cli(['audit', 'verify', '--json']);
  assert.equal(verify.code, 0, `audit verify: ${verify.stdout} ${verify.stderr}`);
  assert.equal(verify.json.data.ok, true);
  return verify.json.data.checked as number;
}

/** `serve --foreground` that is expected to refuse: it must exit on its own, not hang or crash. */
async function serveExpectingRefusal(store: TestStore, env: Record<string, string> = {}): Promise<CliResult> {
  const result = await store.cli(['serve', '--foreground', '--json', '--passphrase-file', store.passphraseFile], { env, timeoutMs: 15_000 });
  assert.equal(result.signal, null, `serve did not exit on its own (killed by ${result.signal}); stderr: ${result.stderr}`);
  assert.notEqual(result.code, 0, `serve should have refused: ${result.stdout}`);
  assert.doesNotMatch(result.stderr, /^\s+at /m, `serve crashed with a stack trace: ${result.stderr}`);
  assert.doesNotMatch(result.stderr, /unexpected (failure|error)|internal error/i, result.stderr);
  assert.equal(result.json?.ok, false, `expected a JSON error envelope, got: ${result.stdout}`);
  return result;
}

describe('SIGKILL in the middle of add/lease traffic', () => {
  let store: TestStore;

  before(async () => {
    // The insecure key file skips the per-request passphrase check (a deliberate scrypt), so the
    // daemon takes writes at full speed and the kill lands while many are in flight.
    // The raw-socket writers lease without an approval round trip (their frames are read in order).
    store = await startedStore({ insecure: true, config: { approvals: { policy: 'preapproved', preapproved: [0, 1, 2].map((w) => ({ client_id: `writer-${w}` })) } } });
    const added = await store.admin(['add', CANARY], { input: CANARY_VALUE });
    assert.equal(added.code, 0, added.stderr);
  });

  after(async () => {
    await store?.cleanup();
  });

  test('restart replaces the stale socket; every acknowledged add and lease survives; the audit chain verifies', async (t) => {
    const attempted = new Map<string, string>(); // name -> value, for every add sent
    const acked = new Map<string, string>(); // name -> value, for every add that returned success
    const ackedLeases: string[] = [];
    const auth = { passphrase: PASSPHRASE };

    // Raw socket writers: three connections pipelining admin adds and leases of the canary.
    const writers = await Promise.all([0, 1, 2].map(() => RawClient.connect(store.socket)));
    const sent = new Map<string, { kind: 'add' | 'lease'; name: string }>();
    writers.forEach((writer, w) => {
      let payload = '';
      for (let i = 0; i < 300; i++) {
        const name = `raw_${w}_${i}`;
        const value = valueFor(name);
        attempted.set(name, value);
        sent.set(`a${w}_${i}`, { kind: 'add', name });
        payload += JSON.stringify({ jsonrpc: '2.0', id: `a${w}_${i}`, method: 'secrets.add', params: { name, value }, auth }) + '\n';
        sent.set(`l${w}_${i}`, { kind: 'lease', name: CANARY });
        payload += JSON.stringify({ jsonrpc: '2.0', id: `l${w}_${i}`, method: 'lease.grant', params: { secret_name: CANARY, client_id: `writer-${w}`, ttl: '1h' } }) + '\n';
      }
      void writer.send(payload);
    });

    // CLI writers at the same time, as agents and people would run them.
    const cliAdds = Array.from({ length: 24 }, (_, i) => {
      const name = `cli_${i}`;
      const value = valueFor(name);
      attempted.set(name, value);
      return store.admin(['add', name], { input: value }).then((r) => {
        if (r.code === 0) acked.set(name, value);
        return r;
      });
    });
    const cliLeases = Array.from({ length: 12 }, () => store.cli(['lease', CANARY, '--client-id', 'cli-burst']));

    // Kill once a good number of writes has been acknowledged, while the rest are still in flight.
    const ackCount = () => writers.reduce((n, w) => n + w.frames.filter((f) => f.result !== undefined && String(f.id).startsWith('a')).length, 0) + acked.size;
    const deadline = Date.now() + 15_000;
    while (ackCount() < 100 && Date.now() < deadline) await sleep(2);
    assert.ok(ackCount() >= 100, `only ${ackCount()} adds were acknowledged before the deadline`);
    // A little jitter so the kill lands at a different point of the write stream on every run.
    await sleep(Math.floor(Math.random() * 60));
    const daemon = store.daemon!;
    await daemon.stop('SIGKILL');
    const cliResults = await Promise.all([...cliAdds, ...cliLeases]);

    // Collect what the daemon acknowledged on the raw connections before it died.
    for (const writer of writers) {
      await writer.waitEnded(5000);
      for (const frame of writer.frames) {
        const request = sent.get(String(frame.id));
        assert.ok(request, `a frame with an unknown id: ${JSON.stringify(frame).slice(0, 200)}`);
        if (frame.result === undefined) continue;
        if (request.kind === 'add') {
          assert.equal(frame.result.secret.name, request.name);
          acked.set(request.name, attempted.get(request.name)!);
        } else {
          assert.equal(frame.result.value, CANARY_VALUE);
          ackedLeases.push(frame.result.lease_id);
        }
      }
      writer.destroy();
    }
    const pending = [...attempted.keys()].filter((name) => !acked.has(name));
    assert.ok(pending.length > 0, 'the kill came after every write had finished: the test did not kill mid-burst');
    t.diagnostic(`killed with ${acked.size} adds and ${ackedLeases.length} leases acknowledged, ${pending.length} adds unacknowledged`);

    // Every CLI call either succeeded or failed cleanly (daemon gone / connection closed), never crashed.
    for (const result of cliResults) {
      assert.equal(result.signal, null);
      assert.ok([0, 1, 69].includes(result.code!), `CLI exit ${result.code}: ${result.stderr}`);
      if (result.code !== 0) assert.match(result.stderr, /^secrets: error: /m);
    }
    for (const result of cliResults.slice(cliAdds.length)) if (result.code === 0) assert.equal(result.stdout, CANARY_VALUE);

    // SIGKILL leaves the socket file behind; the CLI says the daemon is not running.
    assert.ok(lstatSync(store.socket).isSocket(), 'expected a stale socket file after SIGKILL');
    const down = await store.cli(['status', '--json']);
    assert.equal(down.code, 69, down.stdout);
    assert.equal(down.json.error.code, 'DAEMON_NOT_RUNNING');

    // Restart: the stale socket is replaced and the daemon serves again.
    await store.start();
    const status = await store.cli(['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.notEqual(status.json.data.pid, daemon.child.pid);

    // Every acknowledged add is there with its exact value; no add is half-applied.
    const list = await store.cli(['list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const present = new Set<string>(list.json.data.secrets.map((s: { name: string }) => s.name));
    for (const name of acked.keys()) assert.ok(present.has(name), `acknowledged secret ${name} is missing after the restart`);
    for (const name of present) assert.ok(name === CANARY || attempted.has(name), `unexpected secret ${name}`);
    t.diagnostic(`after the restart ${present.size - 1} of ${attempted.size} attempted secrets are present`);
    const checker = await RawClient.connect(store.socket);
    try {
      let id = 0;
      for (const name of present) {
        const frame = await checker.request(++id, 'lease.grant', { secret_name: name, client_id: 'after-restart' });
        assert.equal(frame.error, undefined, `lease ${name}: ${JSON.stringify(frame.error)}`);
        assert.equal(frame.result.value, name === CANARY ? CANARY_VALUE : attempted.get(name), `wrong value for ${name}`);
      }
    } finally {
      checker.destroy();
    }
    // A few through the CLI as well, byte for byte.
    for (const name of [...acked.keys()].filter((n) => n.startsWith('cli_')).slice(0, 3)) {
      const lease = await store.cli(['lease', name, '--client-id', 'after-restart']);
      assert.equal(lease.code, 0, lease.stderr);
      assert.equal(lease.stdout, acked.get(name));
    }

    // Acknowledged leases persist across the restart.
    const leases = await store.cli(['leases', '--json']);
    assert.equal(leases.code, 0, leases.stderr);
    const active = new Set(leases.json.data.leases.map((l: { lease_id: string }) => l.lease_id));
    for (const leaseId of ackedLeases) assert.ok(active.has(leaseId), `acknowledged lease ${leaseId} was lost`);

    const checked = await assertAuditVerifies(store);
    assert.ok(checked >= acked.size + ackedLeases.length, `audit has ${checked} entries for ${acked.size} adds and ${ackedLeases.length} leases`);
    // The audit log records every acknowledged add.
    const audit = await store.cli(['audit', '--action', 'secret.added', '--tail', '10000', '--json']);
    assert.equal(audit.code, 0, audit.stderr);
    const audited = new Set(audit.json.data.entries.map((e: { secret_name: string }) => e.secret_name));
    for (const name of acked.keys()) assert.ok(audited.has(name), `no audit entry for acknowledged add ${name}`);
    await assertCanary(store);
  });
});

describe('a live daemon is never displaced', () => {
  let store: TestStore;

  before(async () => {
    store = await startedStore();
    const added = await store.admin(['add', CANARY], { input: CANARY_VALUE });
    assert.equal(added.code, 0, added.stderr);
  });

  after(async () => {
    await store?.cleanup();
  });

  test('a second serve --foreground on the same socket exits non-zero saying "already running"; the first keeps serving', async () => {
    const firstPid = store.daemon!.child.pid;
    const inode = statSync(store.socket).ino;
    const second = await serveExpectingRefusal(store);
    assert.equal(second.code, 1, second.stderr);
    assert.equal(second.json.error.code, 'DAEMON_ALREADY_RUNNING');
    assert.match(second.stderr, /already running/);
    assert.match(second.stderr, new RegExp(store.socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

    assert.equal(store.daemon!.child.exitCode, null, 'the first daemon died');
    assert.equal(statSync(store.socket).ino, inode, 'the socket file was replaced');
    const status = await store.cli(['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.json.data.pid, firstPid);
    await assertCanary(store);
  });

  test('a second background serve refuses the same way', async () => {
    const second = await store.cli(['serve', '--json', '--passphrase-file', store.passphraseFile], { timeoutMs: 15_000 });
    assert.equal(second.code, 1, second.stdout + second.stderr);
    assert.equal(second.json.error.code, 'DAEMON_ALREADY_RUNNING');
    assert.match(second.stderr, /already running/);
    const status = await store.cli(['status', '--json']);
    assert.equal(status.json.data.pid, store.daemon!.child.pid);
    await assertCanary(store);
    await assertAuditVerifies(store);
  });
});

describe('refusals at start: unsafe data dir, socket path, config', () => {
  let store: TestStore;
  let scratch: string;

  before(async () => {
    store = new TestStore();
    await store.init();
    scratch = mkdtempSync(join(tmpdir(), 'asf-'));
  });

  after(async () => {
    chmodSync(store.home, 0o700);
    await store?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const mode of [0o755, 0o750, 0o705, 0o711]) {
    test(`a data dir with mode ${mode.toString(8)} is refused with a message naming chmod 700`, async () => {
      chmodSync(store.home, mode);
      try {
        const result = await serveExpectingRefusal(store);
        assert.equal(result.code, 1, result.stderr);
        assert.equal(result.json.error.code, 'UNSAFE_PERMISSIONS');
        assert.match(result.stderr, new RegExp(`mode ${mode.toString(8)}`));
        assert.match(result.stderr, /chmod 700/);
        assert.ok(result.stderr.includes(store.home), 'the message names the data dir');
        assert.equal(existsSync(store.socket), false, 'a refused daemon must not create its socket');
      } finally {
        chmodSync(store.home, 0o700);
      }
    });
  }

  test('a socket path longer than 103 bytes: serve exits 2 with a clear message', async () => {
    for (const length of [104, 140, 300]) {
      const path = join(scratch, 's'.repeat(length - scratch.length - 1));
      assert.equal(Buffer.byteLength(path), length);
      const result = await serveExpectingRefusal(store, { AGENT_SECRETS_SOCKET: path });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.json.error.code, 'USAGE');
      assert.match(result.stderr, new RegExp(`socket path is too long for a Unix socket \\(${length} bytes, at most 103\\)`));
      assert.match(result.stderr, /AGENT_SECRETS_SOCKET/);
      assert.equal(existsSync(path), false);
    }
  });

  test('a socket path of exactly 103 bytes works, for serve and the CLI', async () => {
    const path = join(scratch, 'k'.repeat(103 - scratch.length - 1));
    assert.equal(Buffer.byteLength(path), 103);
    await store.start({ AGENT_SECRETS_SOCKET: path });
    try {
      assert.ok(lstatSync(path).isSocket());
      const status = await store.cli(['status', '--json'], { env: { AGENT_SECRETS_SOCKET: path } });
      assert.equal(status.code, 0, status.stderr);
      assert.equal(status.json.data.socket, path);
    } finally {
      await store.daemon!.stop('SIGTERM');
    }
    assert.equal(existsSync(path), false, 'a clean stop removes the socket');
  });

  test(
    'the CLI with a socket path longer than 103 bytes says the path is too long (not "daemon not running")',
    async () => {
      const path = join(scratch, 'c'.repeat(140 - scratch.length - 1));
      const result = await store.cli(['status', '--json'], { env: { AGENT_SECRETS_SOCKET: path } });
      assert.equal(result.code, 2, result.stdout);
      assert.match(result.stderr, /too long/);
    },
  );

  const badConfigs: Array<[string, string, RegExp]> = [
    ['an unknown top-level key', JSON.stringify({ default_lease_ttl: '1h', bogus_key: 1 }), /config\.json: \(top level\): unknown key\(s\) "bogus_key"/],
    ['an unknown nested key', JSON.stringify({ server: { idle_timeout: '5s', idle_timout: '5s' } }), /config\.json: server: unknown key\(s\) "idle_timout"/],
    ['a garbage duration', JSON.stringify({ default_lease_ttl: 'forever' }), /config\.json: default_lease_ttl: must be a positive Go-style duration/],
    ['a zero duration', JSON.stringify({ server: { idle_timeout: '0s' } }), /config\.json: server\.idle_timeout: must be a positive/],
    ['a negative duration', JSON.stringify({ heartbeat: { interval: '-5m' } }), /config\.json: heartbeat\.interval: must be a positive/],
    ['a duration as a number', JSON.stringify({ approval_timeout: 120 }), /config\.json: approval_timeout: /],
    ['a wrong type', JSON.stringify({ server: { max_connections: 'many' } }), /config\.json: server\.max_connections: /],
    ['an out-of-range number', JSON.stringify({ server: { max_frame_bytes: 10 } }), /config\.json: server\.max_frame_bytes: /],
    ['a default TTL over the max', JSON.stringify({ default_lease_ttl: '48h' }), /config\.json: default_lease_ttl: must not exceed max_lease_ttl/],
    ['a deep unknown key', JSON.stringify({ heartbeat: { fail_action: { nuke: true } } }), /config\.json: heartbeat\.fail_action: unknown key\(s\) "nuke"/],
    ['an array at the top', '[]', /config\.json: \(top level\): /],
    ['invalid JSON', '{ "default_lease_ttl": "1h", ', /config\.json is not valid JSON/],
  ];
  for (const [label, text, message] of badConfigs) {
    test(`config.json with ${label}: serve exits 2 naming the field`, async () => {
      const path = join(store.home, 'config.json');
      writeFileSync(path, text);
      try {
        const result = await serveExpectingRefusal(store);
        assert.equal(result.code, 2, result.stderr);
        assert.equal(result.json.error.code, 'INVALID_CONFIG');
        assert.match(result.stderr, message);
        assert.match(result.stderr, /^secrets: hint: /m);
        assert.equal(existsSync(store.socket), false, 'a refused daemon must not create its socket');
      } finally {
        rmSync(path, { force: true });
      }
    });
  }

  test('after all the refusals the store starts, nothing was lost, the audit chain verifies', async () => {
    await store.start();
    const added = await store.admin(['add', CANARY], { input: CANARY_VALUE });
    assert.equal(added.code, 0, added.stderr);
    await assertCanary(store);
    await assertAuditVerifies(store);
    // No config file was created or left behind by the refusals.
    assert.equal(existsSync(join(store.home, 'config.json')), false);
    assert.equal((statSync(store.home).mode & 0o777).toString(8), '700');
    await store.daemon!.stop('SIGTERM');
  });

  test('a regular file at the socket path is not deleted to make room for the socket', async () => {
    const path = join(scratch, 'precious.txt');
    writeFileSync(path, 'do not delete');
    // Short timeout: a daemon that (wrongly) starts here is killed rather than waited for.
    const result = await store.cli(['serve', '--foreground', '--json', '--passphrase-file', store.passphraseFile], { env: { AGENT_SECRETS_SOCKET: path }, timeoutMs: 4000 });
    assert.equal(existsSync(path) && !lstatSync(path).isSocket() ? readFileSync(path, 'utf8') : '(replaced)', 'do not delete');
    assert.equal(result.signal, null, 'serve started on top of a regular file');
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /not a socket/);
  });
});
