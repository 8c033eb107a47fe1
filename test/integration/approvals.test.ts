/**
 * Human approval of new agents (DESIGN.md §4–§5, issue 3), against the real daemon and the real CLI
 * as subprocesses, with nobody standing in for the person (`autoApprove: false`): a lease from an
 * unknown client waits until a second CLI process decides with the passphrase.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, REPO, type CliResult, TestStore, startedStore } from '../helpers/store.js';

const CONFIG = { approval_timeout: '4s', approvals: { deny_cooldown: '3s', max_pending_per_client: 2 } };
const TIMEOUT_MS = 4_000;
const COOLDOWN_MS = 3_000;

/** Values with characters a careless shell or JSON round trip would change. */
const VALUES: Record<string, string> = {
  alpha: 'alpha-Vx9 "quoted" $HOME and spaces',
  beta: 'beta-Q7\ttab\\backslash',
  gamma: 'gamma-K2-😀-unicode',
  delta: 'delta-Z5\nsecond line',
};

const LAUNCHER_A = join(REPO, 'test', 'fixtures', 'agent-launcher.mjs');
const LAUNCHER_KEY_A = `${process.execPath} ${LAUNCHER_A}`;

let store: TestStore;
let scratch: string;
/** The launcher of CLI processes this test file spawns directly (node running this test). */
let ownLauncher: string;

/** Facts gathered along the way, checked against the audit log at the end. */
const seen = {
  firstRequestId: '',
  firstCliPid: 0,
  deniedRequestId: '',
  timedOutRequestId: '',
  launcherRequestId: '',
  launcherCliPid: 0,
  otherLauncherKey: '',
};

interface Running {
  pid: number;
  /** stderr so far, while the process runs. */
  stderr(): string;
  done: Promise<CliResult>;
}

/** Spawns the CLI like the harness does (no terminal), but exposes its pid and live stderr. */
function startCli(args: string[]): Running {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...store.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  child.stdin.end('');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, signal, stdout, stderr: err, json });
    });
  });
  return { pid: child.pid!, stderr: () => err, done };
}

function startLease(secret: string, clientId: string, extra: string[] = []): Running {
  return startCli(['lease', secret, '--client-id', clientId, ...extra]);
}

interface LauncherReport {
  launcher_pid: number;
  cli_pid: number;
  code: number;
  stdout: string;
}

/** `sh -c "node LAUNCHER CLI lease …"`: the daemon sees LAUNCHER as the agent program. */
function leaseThroughLauncher(launcher: string, secret: string, clientId: string): Promise<LauncherReport> {
  const command = `'${process.execPath}' '${launcher}' '${CLI}' lease ${secret} --client-id ${clientId}`;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { env: { PATH: process.env.PATH ?? '', ...store.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(stdout) as LauncherReport);
      } catch {
        reject(new Error(`launcher printed no report: ${stdout} ${stderr}`));
      }
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(40);
  }
}

async function pendingRequests(s: TestStore = store): Promise<any[]> {
  const result = await s.cli(['requests', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return result.json.data.requests;
}

/** Polls `secrets requests --json` until a request for this client and secret is pending. */
function waitForRequest(clientId: string, secret: string, s: TestStore = store): Promise<any> {
  return waitFor(`a pending request for ${clientId}/${secret}`, async () =>
    (await pendingRequests(s)).find((r) => r.client_id === clientId && r.secret_names.includes(secret)),
  );
}

/** Waits until the lease's stderr says it is waiting, and returns the request id it names. */
function waitingOn(running: Running): Promise<string> {
  return waitFor('the lease to say it is waiting', () => /secrets: waiting for approval: (R-[a-z0-9]+)/.exec(running.stderr())?.[1]);
}

async function approve(requestId: string, extra: string[] = [], s: TestStore = store): Promise<CliResult> {
  const result = await s.admin(['approve', requestId, ...extra]);
  assert.equal(result.code, 0, `approve ${requestId} ${extra.join(' ')}: ${result.stderr}`);
  return result;
}

/** A lease that must be granted without asking anyone. */
async function leaseImmediately(secret: string, clientId: string, extra: string[] = []): Promise<CliResult> {
  const started = Date.now();
  const result = await startLease(secret, clientId, extra).done;
  assert.equal(result.code, 0, `lease ${secret} as ${clientId}: ${result.stderr}`);
  assert.equal(result.stdout, VALUES[secret]);
  assert.doesNotMatch(result.stderr, /waiting for approval/);
  assert.ok(Date.now() - started < TIMEOUT_MS, 'granted without waiting for a person');
  return result;
}

/** A lease that must ask: waits for its request, approves it once, and returns the request. */
async function leaseAsks(secret: string, clientId: string): Promise<any> {
  const running = startLease(secret, clientId);
  const request = await waitForRequest(clientId, secret);
  assert.equal(await waitingOn(running), request.request_id);
  await approve(request.request_id);
  const result = await running.done;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, VALUES[secret]);
  return request;
}

async function auditEntries(args: string[]): Promise<any[]> {
  const result = await store.cli(['audit', '--json', '--tail', '100000', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return result.json.data.entries;
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'as-approval-'));
  store = await startedStore({ config: CONFIG, autoApprove: false });
  for (const [name, value] of Object.entries(VALUES)) {
    const added = await store.admin(['add', name], { input: value });
    assert.equal(added.code, 0, added.stderr);
  }
});

after(async () => {
  await store?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('an unknown client waits for a person', () => {
  test('the lease waits, says so on stderr, and a second CLI process approves it with the passphrase', async () => {
    const running = startLease('alpha', 'agent-one');
    const request = await waitForRequest('agent-one', 'alpha');
    assert.match(request.request_id, /^R-[a-z0-9]+$/);
    assert.deepEqual(request.secret_names, ['alpha']);
    assert.equal(request.ttl, '1h');
    assert.equal(request.reason, 'new client "agent-one"');
    assert.equal(request.verified.pid, running.pid, 'the request carries the pid the kernel reports');
    assert.equal(request.verified.uid, process.getuid!());
    assert.equal(request.reported_pid, running.pid);
    assert.ok(request.verified.parents.some((p: { pid: number }) => p.pid === process.pid), 'the parent chain includes the test process');
    assert.equal(request.verified.exe, process.execPath);
    assert.equal(request.verified.cwd, process.cwd());
    assert.deepEqual(request.verified.argv.slice(-4), ['lease', 'alpha', '--client-id', 'agent-one']);
    assert.ok(request.verified.argv.includes(CLI));
    ownLauncher = request.verified.launcher;
    assert.ok(ownLauncher.startsWith(`${process.execPath} `), `launcher ${ownLauncher} is node plus a script`);
    assert.ok(Date.parse(request.expires_at) - Date.parse(request.created_at) === TIMEOUT_MS);

    assert.equal(await waitingOn(running), request.request_id);
    assert.equal(running.stderr().includes(`secrets approve ${request.request_id}`), true, 'stderr tells how to decide');
    await sleep(300);
    assert.equal((await pendingRequests()).length, 1, 'still waiting: nobody decided');

    const approved = await approve(request.request_id);
    assert.equal(approved.json.data.grant, null, 'once is the default');
    assert.equal(approved.json.data.request.request_id, request.request_id);

    const result = await running.done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, VALUES.alpha, 'the exact value, no added newline');
    assert.deepEqual(await pendingRequests(), []);
    seen.firstRequestId = request.request_id;
    seen.firstCliPid = running.pid;
  });

  test('deny: the waiting lease exits 4 with DENIED', async () => {
    const running = startLease('beta', 'agent-deny', ['--json']);
    const request = await waitForRequest('agent-deny', 'beta');
    const denied = await store.admin(['deny', request.request_id]);
    assert.equal(denied.code, 0, denied.stderr);
    const result = await running.done;
    assert.equal(result.code, 4);
    assert.equal(result.json.ok, false);
    assert.equal(result.json.error.code, 'DENIED');
    assert.match(result.json.error.message, /a person denied client "agent-deny" access to beta/);
    assert.doesNotMatch(result.stdout, /beta-Q7/);
    seen.deniedRequestId = request.request_id;
  });

  test('deny of a raw lease leaves stdout empty and explains on stderr', async () => {
    const running = startLease('beta', 'agent-deny-raw');
    const request = await waitForRequest('agent-deny-raw', 'beta');
    assert.equal((await store.admin(['deny', request.request_id])).code, 0);
    const result = await running.done;
    assert.equal(result.code, 4);
    assert.equal(result.stdout, '', 'nothing on stdout, so `T=$(secrets lease x)` stays empty');
    assert.match(result.stderr, /secrets: error: a person denied client "agent-deny-raw"/);
  });

  test('timeout: nobody decides within approval_timeout → exit 4 and a message about no decision', async () => {
    const started = Date.now();
    const running = startLease('gamma', 'agent-slow', ['--json']);
    const request = await waitForRequest('agent-slow', 'gamma');
    const result = await running.done;
    const waited = Date.now() - started;
    assert.equal(result.code, 4);
    assert.equal(result.json.error.code, 'DENIED');
    assert.equal(result.json.error.message, `nobody decided on request ${request.request_id} within 4s`);
    assert.match(result.stderr, /secrets: error: nobody decided/);
    assert.ok(waited >= TIMEOUT_MS - 200 && waited < TIMEOUT_MS + 3_000, `waited ${waited} ms for a 4s timeout`);
    assert.deepEqual(await pendingRequests(), [], 'the timed-out request is gone');
    const late = await store.admin(['approve', request.request_id]);
    assert.equal(late.code, 3, 'a decided request cannot be approved afterwards');
    assert.equal(late.json.error.code, 'REQUEST_NOT_FOUND');
    seen.timedOutRequestId = request.request_id;
  });
});

describe('what an approval covers', () => {
  test('once asks again next time; --for 1h grants the next lease immediately', async () => {
    const first = await leaseAsks('alpha', 'agent-once');
    const running = startLease('alpha', 'agent-once');
    const second = await waitForRequest('agent-once', 'alpha');
    assert.notEqual(second.request_id, first.request_id, 'allow-once left no grant: a new request');
    const approved = await approve(second.request_id, ['--for', '1h']);
    const grant = approved.json.data.grant;
    assert.equal(grant.client_id, 'agent-once');
    assert.equal(grant.launcher, ownLauncher);
    assert.deepEqual(grant.secrets, ['alpha']);
    assert.equal(grant.source, 'approval');
    const expiresIn = Date.parse(grant.expires_at) - Date.now();
    assert.ok(expiresIn > 3_500_000 && expiresIn <= 3_600_000, `the grant lasts 1h (${expiresIn} ms left)`);
    const result = await running.done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, VALUES.alpha);

    await leaseImmediately('alpha', 'agent-once');
    assert.deepEqual(await pendingRequests(), []);
  });

  test('a grant for 2s works at once, then expires and the client is asked again', async () => {
    const running = startLease('beta', 'agent-brief');
    const request = await waitForRequest('agent-brief', 'beta');
    const approvedAt = Date.now();
    const approved = await approve(request.request_id, ['--for', '2s']);
    assert.equal((await running.done).stdout, VALUES.beta);
    const expiresAt = Date.parse(approved.json.data.grant.expires_at);
    assert.ok(expiresAt - approvedAt <= 2_500 && expiresAt - approvedAt > 1_000, 'the grant ends 2s after approval');

    await leaseImmediately('beta', 'agent-brief');
    await sleep(Math.max(0, expiresAt - Date.now()) + 150);

    const clients = await store.cli(['clients', '--json']);
    const grant = clients.json.data.grants.find((g: any) => g.client_id === 'agent-brief');
    assert.equal(grant.active, false, 'clients shows the grant as expired');
    const again = await leaseAsks('beta', 'agent-brief');
    assert.notEqual(again.request_id, request.request_id);
  });

  test('--scope secret asks again for another secret; --scope all does not', async () => {
    let running = startLease('alpha', 'agent-scope');
    let request = await waitForRequest('agent-scope', 'alpha');
    const one = await approve(request.request_id, ['--for', '1h', '--scope', 'secret']);
    assert.deepEqual(one.json.data.grant.secrets, ['alpha']);
    assert.equal((await running.done).stdout, VALUES.alpha);

    running = startLease('beta', 'agent-scope');
    request = await waitForRequest('agent-scope', 'beta');
    assert.match(request.reason, /agent-scope/);
    const all = await approve(request.request_id, ['--for', '1h', '--scope', 'all']);
    assert.equal(all.json.data.grant.secrets, null, 'scope all: every secret');
    assert.equal((await running.done).stdout, VALUES.beta);

    await leaseImmediately('gamma', 'agent-scope');
    await leaseImmediately('delta', 'agent-scope');
    assert.deepEqual(await pendingRequests(), []);
  });

  test('--max-ttl 10m: a 1h lease is refused with a hint naming the max; 5m works', async () => {
    const running = startLease('alpha', 'agent-capped', ['--ttl', '5m']);
    const request = await waitForRequest('agent-capped', 'alpha');
    assert.equal(request.ttl, '5m');
    const approved = await approve(request.request_id, ['--for', '1h', '--max-ttl', '10m']);
    assert.equal(approved.json.data.grant.max_ttl, '10m');
    assert.equal((await running.done).stdout, VALUES.alpha);

    const started = Date.now();
    const tooLong = await startLease('alpha', 'agent-capped', ['--ttl', '1h', '--json']).done;
    assert.equal(tooLong.code, 4);
    assert.equal(tooLong.json.error.code, 'DENIED');
    assert.match(tooLong.json.error.message, /at most 10m/);
    assert.match(tooLong.json.error.hint, /--ttl 10m/);
    assert.ok(Date.now() - started < TIMEOUT_MS, 'refused at once, nobody is asked');
    assert.deepEqual(await pendingRequests(), []);

    await leaseImmediately('alpha', 'agent-capped', ['--ttl', '5m']);
    await leaseImmediately('alpha', 'agent-capped', ['--ttl', '10m']);
  });

  test(
    'approving with --max-ttl also caps the lease that is waiting on the request',
    async () => {
      const running = startLease('gamma', 'agent-capped-late', ['--ttl', '1h', '--json']);
      const request = await waitForRequest('agent-capped-late', 'gamma');
      await approve(request.request_id, ['--for', '1h', '--max-ttl', '10m']);
      const result = await running.done;
      if (result.code === 0) {
        const lasts = Date.parse(result.json.data.expires_at) - Date.now();
        assert.ok(lasts <= 600_000, `the lease granted under a 10m max TTL lasts ${Math.round(lasts / 1000)}s`);
      } else {
        assert.equal(result.code, 4);
        assert.match(result.json.error.hint, /--ttl 10m/);
      }
    },
  );

  test(
    'a grant with --max-ttl does not release the client\'s other waiting requests that ask for longer',
    async () => {
      const waitingLong = startLease('beta', 'agent-capped-other', ['--ttl', '1h', '--json']);
      const long = await waitForRequest('agent-capped-other', 'beta');
      const short = startLease('alpha', 'agent-capped-other', ['--ttl', '5m', '--json']);
      const shortRequest = await waitForRequest('agent-capped-other', 'alpha');
      await approve(shortRequest.request_id, ['--for', '1h', '--scope', 'all', '--max-ttl', '10m']);
      assert.equal((await short.done).code, 0);
      let result: CliResult | undefined = await Promise.race([waitingLong.done, sleep(1_000).then(() => undefined)]);
      if (result === undefined) {
        // Still waiting for a person, as it should: decide it so nothing is left pending.
        assert.ok((await pendingRequests()).some((r) => r.request_id === long.request_id));
        await store.admin(['deny', long.request_id]);
        result = await waitingLong.done;
        assert.equal(result.code, 4);
        return;
      }
      if (result.code === 0) {
        const lasts = Date.parse(result.json.data.expires_at) - Date.now();
        assert.ok(lasts <= 600_000, `a lease released by a grant with a 10m max TTL lasts ${Math.round(lasts / 1000)}s`);
      } else {
        assert.equal(result.code, 4);
      }
    },
  );
});

describe('grants are bound to the launcher', () => {
  test('the same client id from another launcher asks again, and the request says why', async () => {
    const first = leaseThroughLauncher(LAUNCHER_A, 'alpha', 'agent-launched');
    const request = await waitForRequest('agent-launched', 'alpha');
    assert.equal(request.verified.launcher, LAUNCHER_KEY_A, 'the launcher script is found behind sh -c');
    assert.equal(request.reason, 'new client "agent-launched"');
    await approve(request.request_id, ['--for', '1h']);
    const report = await first;
    assert.equal(report.code, 0);
    assert.equal(report.stdout, VALUES.alpha);
    assert.equal(request.verified.pid, report.cli_pid);
    seen.launcherRequestId = request.request_id;
    seen.launcherCliPid = report.cli_pid;

    const again = await leaseThroughLauncher(LAUNCHER_A, 'alpha', 'agent-launched');
    assert.equal(again.code, 0, 'the same launcher is covered by the grant');
    assert.equal(again.stdout, VALUES.alpha);

    const copy = join(scratch, 'other-agent.mjs');
    copyFileSync(LAUNCHER_A, copy);
    const otherKey = `${process.execPath} ${copy}`;
    seen.otherLauncherKey = otherKey;
    const second = leaseThroughLauncher(copy, 'alpha', 'agent-launched');
    const other = await waitForRequest('agent-launched', 'alpha');
    assert.notEqual(other.request_id, request.request_id);
    assert.equal(other.verified.launcher, otherKey);
    assert.equal(other.reason, `client id "agent-launched" is approved for ${LAUNCHER_KEY_A}, but this request comes from ${otherKey}`);
    await approve(other.request_id);
    const report2 = await second;
    assert.equal(report2.code, 0);
    assert.equal(report2.stdout, VALUES.alpha);
  });
});

describe('coalescing, cooldown and the per-client cap', () => {
  test('two identical concurrent leases make one request; one approval releases both', async () => {
    const a = startLease('beta', 'agent-twin');
    const b = startLease('beta', 'agent-twin');
    const [idA, idB] = await Promise.all([waitingOn(a), waitingOn(b)]);
    assert.equal(idA, idB, 'both wait on the same request');
    const pending = (await pendingRequests()).filter((r) => r.client_id === 'agent-twin');
    assert.equal(pending.length, 1);
    assert.equal(pending[0].request_id, idA);
    await approve(idA);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    assert.equal(ra.stdout, VALUES.beta);
    assert.equal(rb.stdout, VALUES.beta);
    const requested = await auditEntries(['--action', 'approval.requested', '--client', 'agent-twin']);
    assert.equal(requested.length, 1, 'one prompt, one audit entry');
  });

  test('after a deny the client is refused without a new request for the cooldown, then asked again', async () => {
    const running = startLease('gamma', 'agent-cool');
    const request = await waitForRequest('agent-cool', 'gamma');
    const deniedAt = Date.now();
    assert.equal((await store.admin(['deny', request.request_id])).code, 0);
    assert.equal((await running.done).code, 4);

    const started = Date.now();
    const refused = await startLease('gamma', 'agent-cool', ['--json']).done;
    assert.equal(refused.code, 4);
    assert.equal(refused.json.error.code, 'DENIED');
    assert.match(refused.json.error.message, /denied client "agent-cool" from this launcher; requests are refused for another [1-3]s/);
    assert.ok(Date.now() - started < 2_000, 'refused at once');
    const otherSecret = await startLease('delta', 'agent-cool', ['--json']).done;
    assert.equal(otherSecret.code, 4, 'the cooldown covers the client, not just the secret');
    assert.match(otherSecret.json.error.message, /requests are refused for another/);
    assert.deepEqual((await pendingRequests()).filter((r) => r.client_id === 'agent-cool'), [], 'no new request during the cooldown');
    assert.equal((await auditEntries(['--action', 'approval.requested', '--client', 'agent-cool'])).length, 1);

    await sleep(Math.max(0, deniedAt + COOLDOWN_MS - Date.now()) + 200);
    const again = await leaseAsks('gamma', 'agent-cool');
    assert.notEqual(again.request_id, request.request_id);
  });

  test('with max_pending_per_client 2, a third concurrent request is refused at once', async () => {
    const first = startLease('alpha', 'agent-greedy');
    const second = startLease('beta', 'agent-greedy');
    const r1 = await waitForRequest('agent-greedy', 'alpha');
    const r2 = await waitForRequest('agent-greedy', 'beta');

    const started = Date.now();
    const third = await startLease('gamma', 'agent-greedy', ['--json']).done;
    assert.equal(third.code, 4);
    assert.equal(third.json.error.code, 'DENIED');
    assert.match(third.json.error.message, /client "agent-greedy" already has 2 requests waiting for a person/);
    assert.ok(Date.now() - started < 2_000, 'refused at once');
    assert.equal((await pendingRequests()).filter((r) => r.client_id === 'agent-greedy').length, 2);

    // The cap is per client: another client may still ask.
    const bystander = startLease('gamma', 'agent-bystander');
    const r3 = await waitForRequest('agent-bystander', 'gamma');

    await approve(r1.request_id);
    await approve(r2.request_id);
    await approve(r3.request_id);
    assert.equal((await first.done).stdout, VALUES.alpha);
    assert.equal((await second.done).stdout, VALUES.beta);
    assert.equal((await bystander.done).stdout, VALUES.gamma);
  });
});

describe('grants survive a restart', () => {
  test('approve --for 1h, restart the daemon, the lease is immediate', async () => {
    const running = startLease('delta', 'agent-persist');
    const request = await waitForRequest('agent-persist', 'delta');
    await approve(request.request_id, ['--for', '1h']);
    assert.equal((await running.done).stdout, VALUES.delta);

    assert.equal(await store.daemon!.stop(), 0);
    await store.start();
    await leaseImmediately('delta', 'agent-persist');
    const clients = await store.cli(['clients', '--json']);
    const grant = clients.json.data.grants.find((g: any) => g.client_id === 'agent-persist');
    assert.equal(grant.active, true);
    assert.equal(grant.launcher, ownLauncher);
  });
});

describe('an agent cannot approve itself', () => {
  test('approve/deny/allow without the passphrase → ADMIN_REQUIRED; a wrong passphrase → PASSPHRASE_INCORRECT; the request stays pending', async () => {
    const running = startLease('delta', 'agent-self');
    const request = await waitForRequest('agent-self', 'delta');

    const self = await store.cli(['approve', request.request_id, '--for', 'forever', '--scope', 'all']);
    assert.equal(self.code, 4);
    assert.equal(self.json.error.code, 'ADMIN_REQUIRED');
    assert.match(self.json.error.message, /passphrase/);
    assert.match(self.json.error.message, /person who owns the store/);
    assert.match(self.stderr, /secrets: error: .*admin action/);

    const denySelf = await store.cli(['deny', request.request_id]);
    assert.equal(denySelf.code, 4);
    assert.equal(denySelf.json.error.code, 'ADMIN_REQUIRED');

    const allowSelf = await store.cli(['clients', 'allow', 'agent-self']);
    assert.equal(allowSelf.code, 4);
    assert.equal(allowSelf.json.error.code, 'ADMIN_REQUIRED');

    const wrong = join(scratch, 'wrong.pass');
    writeFileSync(wrong, 'not the passphrase\n', { mode: 0o600 });
    const guessed = await store.cli(['approve', request.request_id, '--passphrase-file', wrong]);
    assert.equal(guessed.code, 4);
    assert.equal(guessed.json.error.code, 'PASSPHRASE_INCORRECT');

    const still = (await pendingRequests()).find((r) => r.request_id === request.request_id);
    assert.ok(still, 'the request is still pending');
    assert.equal((await store.cli(['clients', '--json'])).json.data.grants.some((g: any) => g.client_id === 'agent-self'), false);
    const refusals = await auditEntries(['--action', 'admin.denied']);
    assert.ok(refusals.length >= 4);
    assert.deepEqual(
      refusals.slice(-4).map((e) => e.detail.reason),
      ['ADMIN_REQUIRED', 'ADMIN_REQUIRED', 'ADMIN_REQUIRED', 'PASSPHRASE_INCORRECT'],
    );
    assert.equal(typeof refusals.at(-1).pid, 'number');

    const badDuration = await store.admin(['approve', request.request_id, '--for', 'soon']);
    assert.equal(badDuration.code, 2);
    assert.equal(badDuration.json.error.code, 'INVALID_DURATION');
    const badScope = await store.admin(['approve', request.request_id, '--for', '1h', '--scope', 'everything']);
    assert.equal(badScope.code, 2);
    assert.ok((await pendingRequests()).some((r) => r.request_id === request.request_id), 'invalid decisions leave it pending');

    await approve(request.request_id);
    assert.equal((await running.done).stdout, VALUES.delta);
  });
});

describe('clients allow / forget', () => {
  test('allow --secrets a,b --for 1h pre-approves those two; clients lists it; forget asks again', async () => {
    const allowed = await store.admin(['clients', 'allow', 'agent-pre', '--secrets', 'alpha,beta', '--for', '1h']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.deepEqual(allowed.json.data.grant.secrets, ['alpha', 'beta']);

    await leaseImmediately('alpha', 'agent-pre');
    await leaseImmediately('beta', 'agent-pre');
    const asked = await leaseAsks('gamma', 'agent-pre');
    assert.match(asked.reason, /agent-pre/);

    const listed = await store.cli(['clients', '--json']);
    const grants = listed.json.data.grants.filter((g: any) => g.client_id === 'agent-pre');
    assert.equal(grants.length, 1);
    assert.deepEqual(grants[0].secrets, ['alpha', 'beta']);
    assert.equal(grants[0].launcher, null, 'no --launcher: any launcher');
    assert.equal(grants[0].source, 'pre-approval');
    assert.equal(grants[0].active, true);
    const lasts = Date.parse(grants[0].expires_at) - Date.now();
    assert.ok(lasts > 3_500_000 && lasts <= 3_600_000);

    const forgot = await store.admin(['clients', 'forget', 'agent-pre']);
    assert.equal(forgot.code, 0, forgot.stderr);
    assert.equal(forgot.json.data.revoked_grants, 1);
    assert.equal((await store.cli(['clients', '--json'])).json.data.grants.some((g: any) => g.client_id === 'agent-pre'), false);
    await leaseAsks('alpha', 'agent-pre');
  });

  test('allow --launcher binds the grant to that launcher only', async () => {
    const allowed = await store.admin(['clients', 'allow', 'agent-bound', '--launcher', LAUNCHER_KEY_A]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.json.data.grant.launcher, LAUNCHER_KEY_A);
    assert.equal(allowed.json.data.grant.expires_at, null, 'no --for: until revoked');

    const started = Date.now();
    const through = await leaseThroughLauncher(LAUNCHER_A, 'gamma', 'agent-bound');
    assert.equal(through.code, 0);
    assert.equal(through.stdout, VALUES.gamma);
    assert.ok(Date.now() - started < TIMEOUT_MS);
    assert.deepEqual(await pendingRequests(), []);

    const asked = await leaseAsks('gamma', 'agent-bound');
    assert.equal(asked.verified.launcher, ownLauncher);
    assert.equal(asked.reason, `client id "agent-bound" is approved for ${LAUNCHER_KEY_A}, but this request comes from ${ownLauncher}`);
  });
});

describe('config policy "preapproved"', () => {
  let ci: TestStore;
  before(async () => {
    ci = new TestStore({ config: { approval_timeout: '4s', approvals: { policy: 'preapproved', preapproved: [{ client_id: 'ci-bot' }] } }, autoApprove: false });
    await ci.init();
    await ci.start({ AGENT_SECRETS_LOG_LEVEL: 'info' });
    assert.equal((await ci.admin(['add', 'alpha'], { input: VALUES.alpha })).code, 0);
  });
  after(() => ci?.cleanup());

  test('ci-bot leases without a request, others still wait, the daemon logs AUTO-APPROVE, status warns', async () => {
    const started = Date.now();
    const bot = await ci.cli(['lease', 'alpha', '--client-id', 'ci-bot']);
    assert.equal(bot.code, 0, bot.stderr);
    assert.equal(bot.stdout, VALUES.alpha);
    assert.doesNotMatch(bot.stderr, /waiting for approval/);
    assert.ok(Date.now() - started < TIMEOUT_MS);
    assert.deepEqual(await pendingRequests(ci), []);

    const strangerDone = ci.cli(['lease', 'alpha', '--client-id', 'stranger', '--json']);
    const request = await waitForRequest('stranger', 'alpha', ci);
    assert.equal(request.reason, 'new client "stranger"');
    assert.equal((await ci.admin(['deny', request.request_id])).code, 0);
    const stranger = await strangerDone;
    assert.equal(stranger.code, 4);
    assert.equal(stranger.json.error.code, 'DENIED');

    const log = ci.daemon!.stderr();
    const line = log.split('\n').find((l) => l.includes('AUTO-APPROVE'));
    assert.ok(line, `the daemon logs AUTO-APPROVE at start:\n${log}`);
    assert.match(line, /ci-bot/);

    const status = await ci.cli(['status', '--json']);
    assert.equal(status.json.data.approvals.policy, 'preapproved');
    assert.ok(status.json.data.warnings.some((w: string) => /preapproved/.test(w) && /1 client/.test(w)), status.stdout);

    const mainStatus = await store.cli(['status', '--json']);
    assert.equal(mainStatus.json.data.approvals.policy, 'prompt');
    assert.equal(mainStatus.json.data.approvals.timeout, '4s');
    assert.deepEqual(mainStatus.json.data.warnings, []);
  });
});

describe('audit', () => {
  test('every request and decision is audited with the verified pid and launcher; no value appears', async () => {
    const requested = await auditEntries(['--action', 'approval.requested']);
    const decided = await auditEntries(['--action', 'approval.decided']);
    const requestedById = new Map(requested.map((e) => [e.detail.request_id, e]));
    const decidedById = new Map(decided.map((e) => [e.detail.request_id, e]));
    for (const e of [...requested, ...decided]) {
      assert.equal(typeof e.pid, 'number', `${e.action} ${e.detail.request_id} has a verified pid`);
      assert.equal(typeof e.detail.launcher, 'string');
      assert.ok(e.detail.launcher.length > 0);
    }
    assert.equal(requested.length, decided.length, 'every request was decided (or timed out)');
    for (const id of requestedById.keys()) assert.ok(decidedById.has(id), `request ${id} has a decision`);

    const first = requestedById.get(seen.firstRequestId);
    assert.equal(first.client_id, 'agent-one');
    assert.equal(first.secret_name, 'alpha');
    assert.equal(first.pid, seen.firstCliPid);
    assert.equal(first.detail.launcher, ownLauncher);
    assert.equal(first.detail.reported_pid, seen.firstCliPid);
    const firstDecision = decidedById.get(seen.firstRequestId);
    assert.equal(firstDecision.outcome, 'ok');
    assert.equal(firstDecision.detail.decision, 'allow-once');
    assert.equal(firstDecision.detail.by, 'passphrase');
    assert.equal(firstDecision.pid, seen.firstCliPid);

    const denied = decidedById.get(seen.deniedRequestId);
    assert.equal(denied.outcome, 'denied');
    assert.equal(denied.detail.decision, 'deny');
    assert.equal(denied.detail.cooldown, '3s');
    assert.equal(decidedById.get(seen.timedOutRequestId).detail.decision, 'timeout');
    assert.equal(decidedById.get(seen.timedOutRequestId).outcome, 'denied');

    const launched = requestedById.get(seen.launcherRequestId);
    assert.equal(launched.pid, seen.launcherCliPid);
    assert.equal(launched.detail.launcher, LAUNCHER_KEY_A);
    assert.equal(decidedById.get(seen.launcherRequestId).detail.decision, 'allow');
    assert.equal(decidedById.get(seen.launcherRequestId).detail.launcher, LAUNCHER_KEY_A);
    assert.ok(requested.some((e) => e.client_id === 'agent-launched' && e.detail.launcher === seen.otherLauncherKey));

    const dump = await store.cli(['audit', '--jsonl', '--tail', '100000']);
    assert.equal(dump.code, 0, dump.stderr);
    assert.ok(dump.stdout.split('\n').filter(Boolean).length > requested.length + decided.length);
    for (const [name, value] of Object.entries(VALUES)) {
      assert.equal(dump.stdout.includes(value), false, `the value of ${name} is not in the audit log`);
      assert.equal(dump.stdout.includes(JSON.stringify(value).slice(1, -1)), false, `the JSON-escaped value of ${name} is not in the audit log`);
    }
    assert.equal((await store.cli(['audit', 'verify'])).code, 0);
  });
});
