/**
 * Shared by the bad-input integration tests (bad-frames, bad-clients, hostile-names): the real daemon
 * on a temp data dir with short server timeouts, a canary secret added before any abuse, and the
 * checks that every abuse gets a clear error, leaves the daemon serving, and loses nothing: the canary
 * still leases with its exact value and the audit chain verifies.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, afterEach, before } from 'node:test';
import { type TestStore, startedStore } from './store.js';
import { RawClient, type RpcErrorFrame, type RpcFrame } from './raw-socket.js';

export const IDLE_MS = 2000;
export const FRAME_MS = 1000;
export const MAX_FRAME = 65536;
/** The capacity tests open a thousand connections from the test process itself: no per-process share here. */
export const SERVER = { idle_timeout: '2s', frame_timeout: '1s', max_frame_bytes: MAX_FRAME, max_connections: 2000, max_connections_per_process: 2000 };
export const PREAPPROVED = { policy: 'preapproved', preapproved: ['after-each', 'after-abuse', 'hostile', 'nul'].map((client_id) => ({ client_id })) };

export const CANARY = 'canary_token';
/** Exact bytes matter: quotes, backslash, tab, non-ASCII, no trailing newline. */
export const CANARY_VALUE = 'c4n4ry "v@lue" \\ back\tslash ünïcödé 🚀 end';

/** Adds the canary secret, before any abuse. */
export async function addCanary(store: TestStore): Promise<void> {
  const added = await store.admin(['add', CANARY], { input: CANARY_VALUE });
  assert.equal(added.code, 0, added.stderr);
}

/**
 * Registers the hooks of a describe block of abuse tests: before, a store with the short server
 * timeouts and the canary (handed to `started`); after every test, the quick nothing-lost check;
 * after all, cleanup.
 */
export function useAbuseStore(started: (store: TestStore) => void): void {
  let store: TestStore | undefined;

  before(async () => {
    // The canary checks lease over a raw socket, which must not see an approval notification first.
    store = await startedStore({ config: { server: SERVER, approvals: PREAPPROVED } });
    started(store);
    await addCanary(store);
    await assertNothingLost(store);
  });

  after(async () => {
    await store?.cleanup();
  });

  // After every abuse: nothing lost, daemon serving (the CLI-level check runs at the end of each group).
  afterEach(async () => {
    await assertNothingLostQuick(store!);
  });
}

/** A secret added before the abuse still leases with its exact value, and the audit chain verifies. */
export async function assertNothingLost(store: TestStore): Promise<void> {
  const lease = await store.cli(['lease', CANARY, '--client-id', 'after-abuse']);
  assert.equal(lease.code, 0, `lease after abuse failed: ${lease.stderr}\n${daemonState(store)}`);
  assert.equal(lease.stdout, CANARY_VALUE);
  const verify = await store.cli(['audit', 'verify', '--json']);
  assert.equal(verify.code, 0, `audit verify after abuse failed: ${verify.stdout} ${verify.stderr}`);
  assert.equal(verify.json.data.ok, true);
  assert.ok(verify.json.data.checked >= 3, `audit verify checked only ${verify.json.data.checked} entries`);
}

/**
 * The same check over the socket, cheap enough to run after every single test: the canary leases
 * with its exact value and the audit chain verifies.
 */
async function assertNothingLostQuick(store: TestStore): Promise<void> {
  let client: RawClient;
  try {
    client = await RawClient.connect(store.socket);
  } catch (error) {
    assert.fail(`the daemon no longer accepts connections: ${(error as Error).message}\n${daemonState(store)}`);
  }
  try {
    const lease = await client.request(1, 'lease.grant', { secret_name: CANARY, client_id: 'after-each', ttl: '1m' });
    assert.equal(lease.error, undefined, JSON.stringify(lease.error));
    assert.equal(lease.result.value, CANARY_VALUE);
    const verify = await client.request(2, 'audit.verify', {});
    assert.equal(verify.result?.ok, true, JSON.stringify(verify));
    assert.equal(verify.result.first_bad, null);
    assert.ok(verify.result.checked >= 3);
  } finally {
    client.destroy();
  }
}

/** For failure messages: is the daemon still there, and what did it log? */
function daemonState(store: TestStore): string {
  const child = store.daemon?.child;
  return [
    `daemon: ${child ? `pid ${child.pid}, exit ${child.exitCode}, signal ${child.signalCode}` : 'not running (harness)'}`,
    `socket file exists: ${existsSync(store.socket)}`,
    `daemon stderr tail: ${store.daemon?.stderr().slice(-2000) ?? ''}`,
  ].join('\n');
}

export function assertErrorFrame(frame: RpcFrame, code: string, rpcCode: number, id: unknown = null): RpcErrorFrame {
  assert.equal(frame.unparsable, undefined, `the daemon sent a non-JSON line: ${frame.unparsable}`);
  assert.equal(frame.jsonrpc, '2.0');
  assert.ok(frame.error, `expected a ${code} error, got ${JSON.stringify(frame).slice(0, 300)}`);
  assert.equal(frame.result, undefined);
  assert.equal(frame.error.data.code, code, `expected ${code}, got ${JSON.stringify(frame.error)}`);
  assert.equal(frame.error.code, rpcCode);
  assert.deepEqual(frame.id, id);
  assert.equal(typeof frame.error.message, 'string');
  assert.ok(frame.error.message.length > 10 && frame.error.message.length < 300, `unclear or unbounded message: ${frame.error.message.slice(0, 400)}`);
  return frame.error;
}

export const health = (id: number | string) => JSON.stringify({ jsonrpc: '2.0', id, method: 'health' }) + '\n';

/** Sends `payload` on a fresh connection; expects exactly one error frame and then the daemon hanging up. */
export async function expectProtocolError(store: TestStore, payload: string | Buffer, code: string, rpcCode: number, id: unknown = null): Promise<RpcErrorFrame> {
  const client = await RawClient.connect(store.socket);
  try {
    await client.send(payload);
    const error = assertErrorFrame(await client.next(3000), code, rpcCode, id);
    // The daemon ends the connection right after the error (it half-closes, then destroys within 1 s).
    await client.waitEnded(2500);
    assert.equal(client.frames.length, 1, `expected one frame, got ${client.frames.length}`);
    return error;
  } finally {
    client.destroy();
  }
}
