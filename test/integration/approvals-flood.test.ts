/**
 * Issue 8, as the attacker does it: an agent running as the same user talks to the socket directly
 * and floods the person with approval requests under invented client ids. The real daemon with its
 * default caps (32 waiting in total, 5 per verified launcher, 5 per client id): the flood gets only
 * its launcher's share, the rest is refused at once with a DENIED that says what to do, one audit
 * entry marks the burst and one counts it, the daemon keeps serving, another program still reaches
 * the person, and a request already waiting is never pushed out — not even when the attacker mints
 * launchers (copies of its script) to fill the total cap.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAUNCHER_A, LAUNCHER_KEY_A, VALUES, approve, auditEntries, leaseThroughLauncher, pendingRequests, scratch, startLease, store, useApprovalStore, waitForRequest, waitingOn } from '../helpers/approval-flow.js';
import { waitUntil } from '../helpers/processes.js';

/** Long enough that no request times out during a test: the counts below must come from the caps. */
useApprovalStore(undefined, { approval_timeout: '300s' });

const MAX_PENDING = 32;
const PER_LAUNCHER = 5;

/**
 * The attacker: one process, `count` lease.grant requests with as many invented client ids,
 * pipelined over `connections` connections in one write each. It prints one JSON line per answer
 * and keeps its connections (so its requests keep waiting) until its stdin closes.
 */
const FLOOD_SCRIPT = `
import { createConnection } from 'node:net';
const [socketPath, count, connections, prefix] = process.argv.slice(2);
const sockets = Array.from({ length: Number(connections) }, () => createConnection(socketPath));
const batches = sockets.map(() => '');
for (let i = 0; i < Number(count); i++) {
  const request = { jsonrpc: '2.0', id: i, method: 'lease.grant', params: { secret_name: 'alpha', client_id: prefix + '-' + i, ttl: '1h' } };
  batches[i % sockets.length] += JSON.stringify(request) + '\\n';
}
sockets.forEach((socket, n) => {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('error', (e) => process.stdout.write(JSON.stringify({ socket_error: e.code }) + '\\n'));
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\\n'); nl !== -1; nl = buffer.indexOf('\\n')) {
      const frame = JSON.parse(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      if (frame.id === undefined) continue;
      process.stdout.write(JSON.stringify({ id: frame.id, ok: frame.result !== undefined, error: frame.error?.data ?? null, value: frame.result?.value }) + '\\n');
    }
  });
  socket.on('connect', () => socket.write(batches[n]));
});
process.stdin.on('data', () => {});
process.stdin.on('end', () => { sockets.forEach((s) => s.destroy()); process.exit(0); });
`;

interface Answer {
  id: number;
  ok: boolean;
  error: { code: string; message: string; hint?: string } | null;
  value?: string;
  socket_error?: string;
}

interface Flood {
  child: ChildProcess;
  launcher: string;
  answers: Answer[];
  /** Closes its stdin: the process drops its connections and exits. */
  stop(): Promise<void>;
}

function startFlood(name: string, count: number, connections: number): Flood {
  const script = join(scratch, `${name}.mjs`);
  writeFileSync(script, FLOOD_SCRIPT);
  const child = spawn(process.execPath, [script, store.socket, String(count), String(connections), name], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers: Answer[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      answers.push(JSON.parse(buffer.slice(0, nl)) as Answer);
      buffer = buffer.slice(nl + 1);
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    launcher: `${process.execPath} ${script}`,
    answers,
    stop: () => {
      child.stdin!.end();
      return exited;
    },
  };
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  assert.ok(await waitUntil(condition, timeoutMs), `timed out waiting for ${what}`);
}

const byLauncher = (requests: any[], launcher: string) => requests.filter((r) => r.verified?.launcher === launcher);

describe('a flood of approval requests from one process', () => {
  test('500 invented client ids on 4 connections: 5 wait, 495 are refused at once, the daemon keeps serving, another program still asks', async () => {
    const flood = startFlood('flood', 500, 4);
    try {
      await until('495 refusals', () => flood.answers.length >= 500 - PER_LAUNCHER);
      const requests = await pendingRequests();
      assert.equal(byLauncher(requests, flood.launcher).length, PER_LAUNCHER, 'only the launcher\'s share waits for the person');
      assert.equal(requests.length, PER_LAUNCHER);
      assert.equal(flood.answers.length, 500 - PER_LAUNCHER, 'the five waiting get no answer yet');
      for (const answer of flood.answers) {
        assert.equal(answer.ok, false, 'no lease without a person');
        assert.equal(answer.value, undefined);
        assert.equal(answer.error!.code, 'DENIED');
        assert.equal(answer.error!.message, `this program (${flood.launcher}) already has ${PER_LAUNCHER} requests waiting for a person, the most one program may have`);
        assert.match(answer.error!.hint!, /secrets requests/);
      }

      // Still serving, and an agent run by another program gets its request in front of the person.
      assert.equal((await store.cli(['status'])).code, 0);
      const honest = leaseThroughLauncher(LAUNCHER_A, 'beta', 'honest-agent');
      const request = await waitForRequest('honest-agent', 'beta');
      assert.equal(request.verified.launcher, LAUNCHER_KEY_A);
      await approve(request.request_id);
      const report = await honest;
      assert.equal(report.code, 0);
      assert.equal(report.stdout, VALUES.beta);

      // One entry when the burst started, one counting it when the decision ended it: not 495.
      const refused = await auditEntries(['--action', 'approval.refused']);
      assert.equal(refused.length, 2, JSON.stringify(refused.map((e) => e.detail)));
      assert.equal(refused[0].detail.burst, 'started');
      assert.equal(refused[0].detail.cap, 'launcher');
      assert.equal(refused[0].detail.launcher, flood.launcher);
      assert.equal(refused[0].outcome, 'denied');
      assert.equal(typeof refused[0].pid, 'number', 'the verified pid of the flooding process');
      assert.deepEqual([refused[1].detail.burst, refused[1].detail.refused], ['ended', 500 - PER_LAUNCHER]);
      assert.equal((await auditEntries(['--action', 'approval.requested'])).length, PER_LAUNCHER + 1, 'a prompt only for what waits');
    } finally {
      await flood.stop();
    }
    // Its connections are gone, so its requests are withdrawn: nothing is left for the person.
    await until('the flood\'s requests to be withdrawn', async () => (await pendingRequests()).length === 0);
    const listed = await store.cli(['list', '--json']);
    assert.deepEqual(listed.json.data.secrets.map((s: { name: string }) => s.name).sort(), Object.keys(VALUES).sort(), 'the person\'s secrets are intact');
    assert.equal((await store.cli(['audit', 'verify'])).code, 0);
  });
});

describe('the total cap, against launchers minted by copying the script', () => {
  test('8 copies fill the 32 slots; a request already waiting stays and is approved; a newcomer is refused with the count; slots come back when the flood goes', async () => {
    // An honest agent asked first: the flood must not push its request out.
    const early = startLease('gamma', 'early-agent');
    const earlyRequest = await waitForRequest('early-agent', 'gamma');
    assert.equal(await waitingOn(early), earlyRequest.request_id);

    const floods = Array.from({ length: 8 }, (_, n) => startFlood(`minted-${n}`, 20, 2));
    try {
      const sent = 8 * 20;
      const waiting = MAX_PENDING - 1;
      await until('the minted launchers to be answered', () => floods.reduce((sum, f) => sum + f.answers.length, 0) >= sent - waiting);
      const requests = await pendingRequests();
      assert.equal(requests.length, MAX_PENDING, 'the total cap');
      for (const flood of floods) assert.ok(byLauncher(requests, flood.launcher).length <= PER_LAUNCHER, `${flood.launcher} holds at most its share`);
      assert.ok(requests.some((r) => r.request_id === earlyRequest.request_id), 'the request that was waiting is still there');
      const answers = floods.flatMap((f) => f.answers);
      assert.equal(answers.length, sent - waiting);
      assert.ok(answers.every((a) => !a.ok && a.error!.code === 'DENIED'));
      assert.ok(answers.some((a) => a.error!.message.startsWith(`${MAX_PENDING} requests are already waiting for a person`)), 'some were refused by the total cap');

      // A newcomer (another program) is refused at once, told how many wait and what to do.
      const newcomer = await leaseThroughLauncher(LAUNCHER_A, 'delta', 'newcomer');
      assert.equal(newcomer.code, 4);
      assert.equal(newcomer.stdout, '', 'no value');
      assert.equal((await pendingRequests()).some((r) => r.client_id === 'newcomer'), false);

      // The person can still decide what was waiting before the flood.
      await approve(earlyRequest.request_id);
      const result = await early.done;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, VALUES.gamma);
    } finally {
      await Promise.all(floods.map((f) => f.stop()));
    }
    await until('the flood\'s requests to be withdrawn', async () => (await pendingRequests()).length === 0);

    // With the flood gone, the newcomer is asked about again.
    const again = leaseThroughLauncher(LAUNCHER_A, 'delta', 'newcomer');
    const request = await waitForRequest('newcomer', 'delta');
    await approve(request.request_id);
    const report = await again;
    assert.equal(report.code, 0);
    assert.equal(report.stdout, VALUES.delta);
  });

  test('the refusal a newcomer gets over the total cap names the count and `secrets requests`', async () => {
    const floods = Array.from({ length: 7 }, (_, n) => startFlood(`cap-${n}`, 5, 1));
    try {
      await until('35 requests answered or waiting', async () => floods.reduce((sum, f) => sum + f.answers.length, 0) + (await pendingRequests()).length >= 35);
      assert.equal((await pendingRequests()).length, MAX_PENDING);
      const refused = await store.cli(['lease', 'alpha', '--client-id', 'late-agent', '--json']);
      assert.equal(refused.code, 4);
      assert.equal(refused.json.error.code, 'DENIED');
      assert.equal(refused.json.error.message, `${MAX_PENDING} requests are already waiting for a person, the most the daemon holds; no new request is taken until some are decided`);
      assert.match(refused.json.error.hint, /secrets requests/);
      assert.match(refused.stderr, /secrets: hint: .*secrets requests/);
    } finally {
      await Promise.all(floods.map((f) => f.stop()));
    }
    await until('the flood\'s requests to be withdrawn', async () => (await pendingRequests()).length === 0);
  });
});
