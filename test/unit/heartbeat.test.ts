import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { systemClock } from '../../electron/daemon/clock.js';
import { Heartbeat, httpProbe, type HeartbeatFailure, type HeartbeatTrigger, type Probe } from '../../electron/daemon/killswitch/heartbeat.js';
import { configureLogging } from '../../electron/daemon/logger.js';
import { FakeClock } from '../helpers/fake-clock.js';

const BODY = 'BODY-MUST-NEVER-LEAK';
const logLines: string[] = [];
configureLogging({ level: 'debug', sink: (line) => logLines.push(line) });

/** A real loopback endpoint whose behaviour the tests switch: up, 500, slow, or stopped (refused). */
class Endpoint {
  mode: 'ok' | 'fail' | 'slow' = 'ok';
  /** How long the slow mode takes to answer: well past TIMEOUT. */
  slowMs = 2000;
  requests = 0;
  /** Requests whose client went away before an answer (the probe destroyed them on timeout). */
  abandoned = 0;
  port = 0;
  private server: Server | null = null;
  private readonly slowTimers = new Set<NodeJS.Timeout>();

  get url(): string {
    return `http://127.0.0.1:${this.port}/ping`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      this.requests++;
      res.on('close', () => void (res.writableFinished || this.abandoned++));
      if (this.mode === 'ok') res.end('ok');
      else if (this.mode === 'fail') this.answer(res, 500);
      else {
        const timer = setTimeout(() => {
          this.slowTimers.delete(timer);
          if (!res.destroyed) res.end('late');
        }, this.slowMs);
        this.slowTimers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          this.slowTimers.delete(timer);
        });
      }
    });
    // Port 0 the first time; the same port again after stop(), so the URL stays valid.
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const timer of this.slowTimers) clearTimeout(timer);
    this.slowTimers.clear();
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  }

  private answer(res: ServerResponse, status: number): void {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(BODY);
  }
}

const endpoint = new Endpoint();
before(() => endpoint.start());
after(() => endpoint.stop());

// Generous timeout: on a loaded machine a loopback answer must never be mistaken for a timeout.
const INTERVAL = 100;
const TIMEOUT = 500;
const options = (failuresBeforeTrigger: number) => ({ url: endpoint.url, intervalMs: INTERVAL, timeoutMs: TIMEOUT, failuresBeforeTrigger });
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Records callbacks in order; `probes` are the real HTTP probes started, settled or not. */
function recorder() {
  const events: string[] = [];
  const failures: HeartbeatFailure[] = [];
  const triggers: HeartbeatTrigger[] = [];
  const probes: Promise<unknown>[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const probe: Probe = (url, timeoutMs) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const pending = httpProbe(url, timeoutMs).finally(() => inFlight--);
    probes.push(pending.catch(() => undefined));
    return pending;
  };
  const callbacks = {
    onFailure: (info: HeartbeatFailure) => {
      failures.push(info);
      events.push(`failure ${info.consecutive_failures}`);
    },
    onTrigger: (info: HeartbeatTrigger) => {
      triggers.push(info);
      events.push(`trigger ${info.consecutive_failures}`);
    },
  };
  return { events, failures, triggers, probes, probe, callbacks, maxInFlight: () => maxInFlight };
}

/** Fake-clock step: let one interval pass, then wait until that real probe settled and was counted. */
async function tick(clock: FakeClock, rec: ReturnType<typeof recorder>): Promise<void> {
  const started = rec.probes.length;
  clock.advance(INTERVAL);
  await nextTurn();
  assert.equal(rec.probes.length, started + 1, 'one interval, one probe');
  await rec.probes.at(-1);
  await nextTurn();
}

test('triggers after exactly N consecutive failures, not before, and only once', async () => {
  endpoint.mode = 'fail';
  const clock = new FakeClock();
  const rec = recorder();
  const heartbeat = new Heartbeat(options(3), clock, rec.callbacks, rec.probe);
  heartbeat.start();
  try {
    await tick(clock, rec);
    await tick(clock, rec);
    assert.deepEqual(rec.events, ['failure 1', 'failure 2'], 'N-1 failures: no trigger yet');
    assert.equal(heartbeat.state().triggered, false);
    await tick(clock, rec);
    assert.deepEqual(rec.events, ['failure 1', 'failure 2', 'failure 3', 'trigger 3']);
    assert.equal(rec.triggers[0]!.reason, 'HTTP 500');
    assert.equal(rec.triggers[0]!.last_ok, null);

    const state = heartbeat.state();
    assert.equal(state.triggered, true);
    assert.equal(state.consecutive_failures, 3);
    assert.equal(state.next_check, null, 'no check scheduled once triggered');
    assert.equal(heartbeat.isRunning, false);
    const probes = rec.probes.length;
    clock.advance(INTERVAL * 20);
    await nextTurn();
    assert.equal(rec.probes.length, probes, 'no more checks after the trigger');
    assert.equal(rec.triggers.length, 1, 'the trigger fired once');
  } finally {
    heartbeat.stop();
  }
});

test('N-1 failures then a success: no trigger, the count starts again from 0', async () => {
  const clock = new FakeClock();
  const rec = recorder();
  const heartbeat = new Heartbeat(options(3), clock, rec.callbacks, rec.probe);
  heartbeat.start();
  try {
    endpoint.mode = 'fail';
    await tick(clock, rec);
    await tick(clock, rec);
    endpoint.mode = 'ok';
    await tick(clock, rec);
    assert.equal(heartbeat.state().consecutive_failures, 0, 'a success resets the count');
    assert.equal(heartbeat.state().last_ok, new Date(clock.now()).toISOString());
    endpoint.mode = 'fail';
    await tick(clock, rec);
    await tick(clock, rec);
    assert.equal(rec.triggers.length, 0, 'two failures after the success are not three in a row');
    await tick(clock, rec);
    assert.deepEqual(rec.events, ['failure 1', 'failure 2', 'failure 1', 'failure 2', 'failure 3', 'trigger 3']);
    assert.notEqual(rec.triggers[0]!.last_ok, null);
  } finally {
    heartbeat.stop();
  }
});

test('a 500, a slow answer and a stopped server each count as a failure with a short reason', async () => {
  const clock = new FakeClock();
  const rec = recorder();
  const heartbeat = new Heartbeat(options(10), clock, rec.callbacks, rec.probe);
  heartbeat.start();
  try {
    endpoint.mode = 'fail';
    await tick(clock, rec);
    endpoint.mode = 'slow';
    const abandoned = endpoint.abandoned;
    await tick(clock, rec);
    await waitFor('the server to see the timed-out request go away', () => endpoint.abandoned > abandoned);
    await endpoint.stop();
    await tick(clock, rec);
    assert.deepEqual(
      rec.failures.map((f) => [f.reason, f.consecutive_failures, f.failures_before_trigger]),
      [
        ['HTTP 500', 1, 10],
        [`timeout after ${TIMEOUT} ms`, 2, 10],
        ['ECONNREFUSED', 3, 10],
      ],
    );
    assert.equal(rec.triggers.length, 0);
    for (const line of logLines) assert.ok(!line.includes(BODY), 'response bodies never reach the log');

    await endpoint.start();
    endpoint.mode = 'ok';
    await tick(clock, rec);
    assert.equal(heartbeat.state().consecutive_failures, 0, 'back up: counting starts again');
  } finally {
    heartbeat.stop();
    await endpoint.start();
  }
});

test('state() reports last ok, last failure, count and next check', async () => {
  const clock = new FakeClock();
  const rec = recorder();
  const heartbeat = new Heartbeat(options(3), clock, rec.callbacks, rec.probe);
  const iso = (ms: number) => new Date(ms).toISOString();
  const idle = { enabled: true, url: endpoint.url, last_ok: null, last_failure: null, consecutive_failures: 0, next_check: null, triggered: false };
  assert.deepEqual(heartbeat.state(), idle, 'not started');
  const t0 = clock.now();
  heartbeat.start();
  try {
    assert.deepEqual(heartbeat.state(), { ...idle, next_check: iso(t0 + INTERVAL) }, 'first check one interval after start');
    endpoint.mode = 'ok';
    await tick(clock, rec);
    assert.deepEqual(heartbeat.state(), { ...idle, last_ok: iso(t0 + INTERVAL), next_check: iso(t0 + 2 * INTERVAL) });
    endpoint.mode = 'fail';
    await tick(clock, rec);
    assert.deepEqual(heartbeat.state(), {
      ...idle,
      last_ok: iso(t0 + INTERVAL),
      last_failure: iso(t0 + 2 * INTERVAL),
      consecutive_failures: 1,
      next_check: iso(t0 + 3 * INTERVAL),
    });
    assert.equal(rec.failures[0]!.at, iso(t0 + 2 * INTERVAL));
  } finally {
    heartbeat.stop();
  }
  assert.equal(heartbeat.state().next_check, null, 'stopped: nothing scheduled');
});

test('stop() stops checking and drops the result of a probe still in flight; start() re-arms', async () => {
  const clock = new FakeClock();
  const rec = recorder();
  const heartbeat = new Heartbeat(options(1), clock, rec.callbacks, rec.probe);
  endpoint.mode = 'slow';
  heartbeat.start();
  clock.advance(INTERVAL);
  await nextTurn();
  assert.equal(rec.probes.length, 1);
  heartbeat.stop();
  await rec.probes[0]; // times out: would be a failure, and with N = 1 a trigger
  await nextTurn();
  clock.advance(INTERVAL * 10);
  await nextTurn();
  assert.deepEqual(rec.events, [], 'nothing reported after stop()');
  assert.equal(rec.probes.length, 1, 'no checks after stop()');

  endpoint.mode = 'fail';
  heartbeat.start();
  try {
    await tick(clock, rec);
    assert.deepEqual(rec.events, ['failure 1', 'trigger 1']);
    heartbeat.start(); // after a trigger (the killswitch was disengaged): a fresh count
    assert.equal(heartbeat.state().triggered, false);
    assert.equal(heartbeat.state().consecutive_failures, 0);
    endpoint.mode = 'ok';
    await tick(clock, rec);
    assert.deepEqual(rec.events, ['failure 1', 'trigger 1']);
  } finally {
    heartbeat.stop();
  }
});

test('a callback that throws does not stop the heartbeat', async () => {
  const clock = new FakeClock();
  const rec = recorder();
  let failures = 0;
  const onFailure = () => {
    failures++;
    throw new Error('audit write failed');
  };
  const heartbeat = new Heartbeat(options(2), clock, { ...rec.callbacks, onFailure }, rec.probe);
  endpoint.mode = 'fail';
  heartbeat.start();
  try {
    await tick(clock, rec);
    await tick(clock, rec);
    assert.equal(failures, 2);
    assert.equal(rec.triggers.length, 1);
  } finally {
    heartbeat.stop();
  }
});

test('real timers: a slow endpoint never has two probes in flight', async () => {
  const rec = recorder();
  // The interval is shorter than the answer time: checks must wait rather than pile up.
  const heartbeat = new Heartbeat({ url: endpoint.url, intervalMs: 20, timeoutMs: 2000, failuresBeforeTrigger: 3 }, systemClock, rec.callbacks, rec.probe);
  endpoint.mode = 'slow';
  endpoint.slowMs = 80;
  const requests = endpoint.requests;
  heartbeat.start();
  try {
    await waitFor('four slow checks', () => endpoint.requests - requests >= 4);
    assert.equal(rec.maxInFlight(), 1);
    assert.deepEqual(rec.events, [], 'slow but within the timeout is a success');
  } finally {
    heartbeat.stop();
    endpoint.slowMs = 2000;
    await Promise.all(rec.probes);
  }
});

test('real timers, default probe: a stopped server triggers once, then checking stops', async () => {
  const events: string[] = [];
  const heartbeat = new Heartbeat(options(3), systemClock, {
    onFailure: (info) => events.push(`failure ${info.consecutive_failures} ${info.reason}`),
    onTrigger: (info) => void events.push(`trigger ${info.consecutive_failures}`),
  });
  endpoint.mode = 'ok';
  heartbeat.start();
  try {
    await waitFor('a successful check', () => heartbeat.state().last_ok !== null);
    await endpoint.stop();
    await waitFor('the trigger', () => heartbeat.state().triggered);
    assert.deepEqual(events, ['failure 1 ECONNREFUSED', 'failure 2 ECONNREFUSED', 'failure 3 ECONNREFUSED', 'trigger 3']);
    await endpoint.start();
    const requests = endpoint.requests;
    await sleep(INTERVAL * 4);
    assert.equal(endpoint.requests, requests, 'no checks after the trigger');
    assert.equal(events.length, 4);
  } finally {
    heartbeat.stop();
    await endpoint.start();
  }
});

test('a URL that could never succeed is refused up front, not counted into a trigger', () => {
  const callbacks = { onFailure: () => {}, onTrigger: () => {} };
  for (const url of ['', 'not a url', 'ftp://example.com/']) {
    assert.throws(() => new Heartbeat({ ...options(3), url }, systemClock, callbacks), /http:\/\/ or https:\/\//);
  }
  assert.throws(() => new Heartbeat(options(0), systemClock, callbacks), /positive integer/);
});
