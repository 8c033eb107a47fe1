/**
 * Protocol vectors (test/vectors/protocol.json) against the real daemon over its socket: every result
 * must match the result schema its method declares in shared/protocol.ts (and the fields the vector
 * gives), every error its code; and every method in the table has at least one vector whose result is
 * checked, so a method cannot go untested by leaving it out. The Electron IPC adapter runs the same
 * vectors when it exists.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonError } from '../../shared/errors.js';
import { METHODS, type MethodName } from '../../shared/protocol.js';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { adminRpc } from '../helpers/admin.js';
import { waitUntil } from '../helpers/processes.js';
import { PASSPHRASE, REPO, type TestStore, startedStore } from '../helpers/store.js';

interface Vector {
  method: string;
  params: Record<string, unknown>;
  /** Sent as the person: `$passphrase` is the store's passphrase, anything else a wrong one. */
  auth?: { passphrase: string };
  /** Sent without waiting for the answer (a lease that waits for a person); checked at the end. */
  background?: boolean;
  /** Remembers a field of the result (a dotted path) as `$name` for later vectors. */
  keep?: Record<string, string>;
  expect: { result: Record<string, unknown> } | { error: string };
}

const { vectors, results_elsewhere: resultsElsewhere } = JSON.parse(readFileSync(join(REPO, 'test', 'vectors', 'protocol.json'), 'utf8')) as {
  vectors: Vector[];
  /** Methods whose result only another test can produce: `method` → "file: why". */
  results_elsewhere: Record<string, string>;
};

/** The client the config pre-approves: its leases need nobody. Every other client asks a person. */
const CONFIG = { approval_timeout: '60s', approvals: { policy: 'preapproved', preapproved: [{ client_id: 'vectors' }] } };

let store: TestStore;
let client: RpcClient;
let project: string;
let group: ChildProcess;
before(async () => {
  store = await startedStore({ config: CONFIG, autoApprove: false });
  assert.equal((await store.admin(['add', 'vector_secret'], { input: 'vector-value' })).code, 0);
  client = await RpcClient.connect(store.socket);
  project = mkdtempSync(join(tmpdir(), 'as-vectors-'));
  writeFileSync(join(project, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'vector_secret', env_var: 'VECTOR_SECRET' }] }));
  // A process group of this test's own, for exec.register.
  group = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
});
after(async () => {
  client?.close();
  try {
    process.kill(-group.pid!, 'SIGKILL');
  } catch {
    // already gone (the killswitch vector terminates it)
  }
  await store?.cleanup();
  rmSync(project, { recursive: true, force: true });
});

/**
 * The one place an admin vector gets its proof: through the same helper the other tests use to act
 * as the person, so a change in how admin proof works (passphrase, challenge–response) changes here.
 */
function asPerson(method: MethodName, params: Record<string, unknown>, auth: { passphrase: string }): Promise<unknown> {
  const passphrase = auth.passphrase === '$passphrase' ? PASSPHRASE : auth.passphrase;
  return adminRpc(store.socket, method, params as never, passphrase);
}

function pick(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}

/** Every key the vector gives must be there with that value; nested objects are compared the same way. */
function assertIncludes(actual: unknown, expected: unknown, label: string): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === 'object', `${label}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [key, value] of Object.entries(expected)) assertIncludes((actual as Record<string, unknown>)[key], value, `${label}.${key}`);
    return;
  }
  assert.deepEqual(actual, expected, label);
}

test('every protocol vector gives its expected result or error over the socket', async () => {
  const kept = new Map<string, unknown>();
  const pendingRequestOf = async (clientId: string): Promise<string> => {
    let id: string | undefined;
    const found = await waitUntil(async () => {
      id = (await client.call('requests.list', {})).requests.find((r) => r.client_id === clientId)?.request_id;
      return id !== undefined;
    }, 10_000);
    assert.ok(found, `a pending request of ${clientId}`);
    return id!;
  };
  /** `$lease`, `$name` from `keep`, `$request:CLIENT`, `$project`, `$group`, also inside strings. */
  const substitute = async (value: unknown): Promise<unknown> => {
    if (Array.isArray(value)) return Promise.all(value.map(substitute));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await substitute(v)])));
    }
    if (typeof value !== 'string' || !value.startsWith('$') || value === '$passphrase') return value;
    if (value.startsWith('$request:')) return pendingRequestOf(value.slice('$request:'.length));
    if (value === '$group') return group.pid;
    if (value.startsWith('$project')) return project + value.slice('$project'.length);
    const name = value.slice(1);
    assert.ok(kept.has(name), `vector variable ${value} is not set yet`);
    return kept.get(name);
  };

  const background: { label: string; vector: Vector; call: Promise<unknown> }[] = [];
  const check = async (label: string, vector: Vector, call: Promise<unknown>) => {
    if ('error' in vector.expect) {
      const code = vector.expect.error;
      await assert.rejects(call, (e: unknown) => e instanceof DaemonError && e.code === code, label);
      return;
    }
    const result = await call;
    const schema = METHODS[vector.method as MethodName].result;
    const parsed = schema.safeParse(result);
    assert.ok(parsed.success, `${label}: result does not match its schema: ${parsed.error?.message}`);
    assertIncludes(result, await substitute(vector.expect.result), label);
    for (const [name, path] of Object.entries(vector.keep ?? {})) kept.set(name, pick(result, path));
    if (vector.method === 'lease.grant' && !kept.has('lease')) kept.set('lease', pick(result, 'lease_id'));
  };

  for (const vector of vectors) {
    const label = `${vector.method} ${JSON.stringify(vector.params)}`;
    const params = (await substitute(vector.params)) as Record<string, unknown>;
    const call = vector.auth ? asPerson(vector.method as MethodName, params, vector.auth) : client.call(vector.method as MethodName, params as never);
    if (vector.background) {
      call.catch(() => {}); // checked below
      background.push({ label, vector, call });
      continue;
    }
    await check(label, vector, call);
  }
  for (const { label, vector, call } of background) await check(`${label} (background)`, vector, call);
  assert.ok(kept.has('lease'), 'a lease was granted');
});

test('every method in shared/protocol.ts has a vector whose result is checked against its schema', () => {
  const withResult = new Set(vectors.filter((v) => 'result' in v.expect).map((v) => v.method));
  // A method checked elsewhere must really be checked there: its file exists and calls it.
  for (const [method, where] of Object.entries(resultsElsewhere)) {
    const file = where.split(':')[0]!;
    const text = readFileSync(join(REPO, file), 'utf8');
    assert.ok(text.includes(`'ui:${method}'`) || text.includes(`'${method}'`), `${file} does not call ${method}`);
    withResult.add(method);
  }
  const missing = Object.keys(METHODS).filter((m) => !withResult.has(m));
  assert.deepEqual(missing, [], `methods without a result vector in test/vectors/protocol.json: ${missing.join(', ')}`);
  const unknown = vectors.map((v) => v.method).filter((m) => !(m in METHODS) && m !== 'secrets.dump');
  assert.deepEqual(unknown, [], 'vectors for methods the table does not have (besides the one that must be METHOD_NOT_FOUND)');
});
