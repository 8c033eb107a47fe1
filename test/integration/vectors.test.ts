/**
 * Protocol vectors (test/vectors/protocol.json) against the real daemon over its socket: every result
 * must match the result schema its method declares in shared/protocol.ts, every error its code. The
 * Electron IPC adapter runs the same vectors when it exists.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonError } from '../../shared/errors.js';
import { METHODS, type MethodName } from '../../shared/protocol.js';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { PASSPHRASE, REPO, type TestStore, startedStore } from '../helpers/store.js';

interface Vector {
  method: string;
  params: Record<string, unknown>;
  auth?: { passphrase: string };
  expect: { result: Record<string, unknown> } | { error: string };
}

const { vectors } = JSON.parse(readFileSync(join(REPO, 'test', 'vectors', 'protocol.json'), 'utf8')) as { vectors: Vector[] };

let store: TestStore;
let client: RpcClient;
before(async () => {
  store = await startedStore();
  assert.equal((await store.admin(['add', 'vector_secret'], { input: 'vector-value' })).code, 0);
  client = await RpcClient.connect(store.socket);
});
after(async () => {
  client.close();
  await store.cleanup();
});

test('every protocol vector gives its expected result or error over the socket', async () => {
  let leaseId: string | undefined;
  const substitute = (params: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === '$lease' ? leaseId : v]));
  for (const vector of vectors) {
    const label = `${vector.method} ${JSON.stringify(vector.params)}`;
    const auth = vector.auth && { passphrase: vector.auth.passphrase === '$passphrase' ? PASSPHRASE : vector.auth.passphrase };
    const call = client.call(vector.method as MethodName, substitute(vector.params) as never, auth);
    if ('error' in vector.expect) {
      await assert.rejects(call, (e: unknown) => e instanceof DaemonError && e.code === (vector.expect as { error: string }).error, label);
      continue;
    }
    const result = (await call) as Record<string, unknown>;
    const schema = METHODS[vector.method as MethodName].result;
    assert.doesNotThrow(() => schema.parse(result), `${label}: result does not match its schema`);
    for (const [key, value] of Object.entries(vector.expect.result)) assert.deepEqual(result[key], value, `${label}: ${key}`);
    if (vector.method === 'lease.grant' && leaseId === undefined) leaseId = result.lease_id as string;
  }
  assert.ok(leaseId, 'a lease was granted');
});
