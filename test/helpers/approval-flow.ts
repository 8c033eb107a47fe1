/**
 * Shared by the approval integration tests (approvals-*.test.ts): each test file gets its own store
 * running the real daemon with nobody standing in for the person (`autoApprove: false`) and four
 * secrets; leases run as CLI subprocesses and wait until a second CLI process decides with the
 * passphrase.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, REPO, type CliResult, type TestStore, startedStore } from './store.js';

const CONFIG = { approval_timeout: '4s', approvals: { deny_cooldown: '3s', max_pending_per_client: 2 } };
export const TIMEOUT_MS = 4_000;
export const COOLDOWN_MS = 3_000;

/** Values with characters a careless shell or JSON round trip would change. */
export const VALUES: Record<string, string> = {
  alpha: 'alpha-Vx9 "quoted" $HOME and spaces',
  beta: 'beta-Q7\ttab\\backslash',
  gamma: 'gamma-K2-😀-unicode',
  delta: 'delta-Z5\nsecond line',
};

export const LAUNCHER_A = join(REPO, 'test', 'fixtures', 'agent-launcher.mjs');
export const LAUNCHER_KEY_A = `${process.execPath} ${LAUNCHER_A}`;

/**
 * The test file's store and scratch directory, set by the hooks useApprovalStore() registers. Live
 * bindings: read them inside tests and hooks, not at import time.
 */
export let store: TestStore;
export let scratch: string;

/**
 * Registers the root hooks of an approval test file: a fresh store with the four secrets, then
 * `ready` (the file's own setup), and cleanup. One root `before`, not two: Node 20 starts a file's
 * root-level `before` hooks together rather than one after the other. `config` replaces the short
 * timeouts and small caps the decision tests use (a flood test needs requests that outlive it).
 */
export function useApprovalStore(ready?: () => Promise<void>, config: object = CONFIG): void {
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'as-approval-'));
    store = await startedStore({ config, autoApprove: false });
    for (const [name, value] of Object.entries(VALUES)) {
      const added = await store.admin(['add', name], { input: value });
      assert.equal(added.code, 0, added.stderr);
    }
    await ready?.();
  });

  after(async () => {
    await store?.cleanup();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });
}

export interface Running {
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

export function startLease(secret: string, clientId: string, extra: string[] = []): Running {
  return startCli(['lease', secret, '--client-id', clientId, ...extra]);
}

interface LauncherReport {
  launcher_pid: number;
  cli_pid: number;
  code: number;
  stdout: string;
}

/** `sh -c "node LAUNCHER CLI lease …"`: the daemon sees LAUNCHER as the agent program. */
export function leaseThroughLauncher(launcher: string, secret: string, clientId: string): Promise<LauncherReport> {
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

export async function pendingRequests(s: TestStore = store): Promise<any[]> {
  const result = await s.cli(['requests', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return result.json.data.requests;
}

/** Polls `secrets requests --json` until a request for this client and secret is pending. */
export function waitForRequest(clientId: string, secret: string, s: TestStore = store): Promise<any> {
  return waitFor(`a pending request for ${clientId}/${secret}`, async () =>
    (await pendingRequests(s)).find((r) => r.client_id === clientId && r.secret_names.includes(secret)),
  );
}

/** Waits until the lease's stderr says it is waiting, and returns the request id it names. */
export function waitingOn(running: Running): Promise<string> {
  return waitFor('the lease to say it is waiting', () => /secrets: waiting for approval: (R-[a-z0-9]+)/.exec(running.stderr())?.[1]);
}

export async function approve(requestId: string, extra: string[] = [], s: TestStore = store): Promise<CliResult> {
  const result = await s.admin(['approve', requestId, ...extra]);
  assert.equal(result.code, 0, `approve ${requestId} ${extra.join(' ')}: ${result.stderr}`);
  return result;
}

/** A lease that must be granted without asking anyone. */
export async function leaseImmediately(secret: string, clientId: string, extra: string[] = []): Promise<CliResult> {
  const started = Date.now();
  const result = await startLease(secret, clientId, extra).done;
  assert.equal(result.code, 0, `lease ${secret} as ${clientId}: ${result.stderr}`);
  assert.equal(result.stdout, VALUES[secret]);
  assert.doesNotMatch(result.stderr, /waiting for approval/);
  assert.ok(Date.now() - started < TIMEOUT_MS, 'granted without waiting for a person');
  return result;
}

/** A lease that must ask: waits for its request, approves it once, and returns the request. */
export async function leaseAsks(secret: string, clientId: string): Promise<any> {
  const running = startLease(secret, clientId);
  const request = await waitForRequest(clientId, secret);
  assert.equal(await waitingOn(running), request.request_id);
  await approve(request.request_id);
  const result = await running.done;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, VALUES[secret]);
  return request;
}

export async function auditEntries(args: string[]): Promise<any[]> {
  const result = await store.cli(['audit', '--json', '--tail', '100000', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return result.json.data.entries;
}

/**
 * The launcher the daemon sees for the CLI processes this test file spawns (node running the file, so
 * it differs from file to file), for files whose tests do not learn it from a first request: asks
 * once as a client of its own, reads the verified launcher off the request, and approves it once, so
 * nothing stays pending and no grant is left.
 */
export async function learnOwnLauncher(): Promise<string> {
  const request = await leaseAsks('alpha', 'agent-own-launcher');
  return request.verified.launcher;
}
