/**
 * Human approval of new agents (DESIGN.md §4–§5, issue 3): how a request is decided, against the real
 * daemon and the real CLI as subprocesses, with nobody standing in for the person
 * (test/helpers/approval-flow.ts). A lease from an unknown client waits until a second CLI process
 * approves or denies it with the passphrase, or nobody decides in time; an approval covers one lease,
 * a duration, a scope and a max TTL; a grant is bound to the launcher; and every request and decision
 * is audited.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI } from '../helpers/store.js';
import { LAUNCHER_A, LAUNCHER_KEY_A, TIMEOUT_MS, VALUES, approve, auditEntries, leaseAsks, leaseImmediately, leaseThroughLauncher, pendingRequests, scratch, startLease, store, useApprovalStore, waitForRequest, waitingOn } from '../helpers/approval-flow.js';

useApprovalStore();

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

  test('approving with --max-ttl also caps the lease that is waiting on the request: its 1h lease is refused with the max in the hint', async () => {
    const running = startLease('gamma', 'agent-capped-late', ['--ttl', '1h', '--json']);
    const request = await waitForRequest('agent-capped-late', 'gamma');
    const approved = await approve(request.request_id, ['--for', '1h', '--max-ttl', '10m']);
    assert.equal(approved.json.data.grant.max_ttl, '10m');
    const result = await running.done;
    assert.equal(result.code, 4, `a 1h lease under a 10m grant must not be granted: ${result.stdout}`);
    assert.equal(result.json.error.code, 'DENIED');
    assert.equal(result.json.error.message, 'client "agent-capped-late" may lease gamma for at most 10m');
    assert.match(result.json.error.hint, /--ttl 10m/);
    assert.doesNotMatch(result.stdout, /gamma-K2/, 'no value');
    assert.deepEqual((await store.cli(['leases', '--json', '--client', 'agent-capped-late'])).json.data.leases, [], 'no lease was taken');
    assert.deepEqual(await pendingRequests(), []);
    // The grant stands: what it allows goes through without asking.
    await leaseImmediately('gamma', 'agent-capped-late', ['--ttl', '10m']);
  });

  test('a grant with --max-ttl does not release the client\'s other waiting requests that ask for longer: they are refused, never granted for longer', async () => {
    const waitingLong = startLease('beta', 'agent-capped-other', ['--ttl', '1h', '--json']);
    const long = await waitForRequest('agent-capped-other', 'beta');
    const short = startLease('alpha', 'agent-capped-other', ['--ttl', '5m', '--json']);
    const shortRequest = await waitForRequest('agent-capped-other', 'alpha');
    assert.notEqual(shortRequest.request_id, long.request_id);
    await approve(shortRequest.request_id, ['--for', '1h', '--scope', 'all', '--max-ttl', '10m']);
    const shortResult = await short.done;
    assert.equal(shortResult.code, 0, shortResult.stderr);
    assert.equal(shortResult.json.data.value, VALUES.alpha);

    // The grant covers beta, but not for 1h: the waiting 1h lease ends with the max in the hint.
    const result = await waitingLong.done;
    assert.equal(result.code, 4, `a 1h lease released by a grant with a 10m max TTL: ${result.stdout}`);
    assert.equal(result.json.error.code, 'DENIED');
    assert.equal(result.json.error.message, 'client "agent-capped-other" may lease beta for at most 10m');
    assert.match(result.json.error.hint, /--ttl 10m/);
    const leases = (await store.cli(['leases', '--json', '--client', 'agent-capped-other'])).json.data.leases;
    assert.deepEqual(leases.map((l: { secret_name: string }) => l.secret_name), ['alpha'], 'only the short lease exists');
    assert.ok(Date.parse(leases[0].expires_at) - Date.now() <= 600_000);
    assert.deepEqual(await pendingRequests(), [], 'nothing is left waiting');
  });
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
    assert.equal(firstDecision.detail.by, 'admin proof', 'decided with a proof of the passphrase (challenge–response)');
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
