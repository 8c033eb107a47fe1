/** Several secrets leased together (what `exec` does): one approval request, all leases or none. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { type TestStore, startedStore } from '../helpers/store.js';

let store: TestStore;
before(async () => {
  store = await startedStore({ autoApprove: false });
  for (const [name, value] of [['db_url', 'postgres://u:p@h/db'], ['api_key', 'sk-many-123']] as const) {
    assert.equal((await store.admin(['add', name], { input: value })).code, 0);
  }
});
after(() => store.cleanup());

test('an unknown client asking for two secrets waits on one request that lists both', async () => {
  const client = await RpcClient.connect(store.socket);
  try {
    const leasing = client.call('lease.grant_many', { secrets: [{ secret_name: 'db_url' }, { secret_name: 'api_key', ttl: '30m' }], client_id: 'deployer' });
    let requests: { request_id: string; secret_names: string[]; ttl: string }[] = [];
    for (let i = 0; i < 100 && requests.length === 0; i++) {
      requests = (await store.cli(['requests'])).json.data.requests;
      if (requests.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(requests.length, 1);
    assert.deepEqual(requests[0]!.secret_names, ['db_url', 'api_key']);
    assert.equal(requests[0]!.ttl, '1h', 'the longest TTL asked for');
    assert.equal((await store.admin(['approve', requests[0]!.request_id, '--for', '1h'])).code, 0);
    const { leases } = await leasing;
    assert.deepEqual(leases.map((l) => [l.secret_name, l.value]), [['db_url', 'postgres://u:p@h/db'], ['api_key', 'sk-many-123']]);
    const again = await client.call('lease.grant_many', { secrets: [{ secret_name: 'api_key' }, { secret_name: 'db_url' }], client_id: 'deployer' });
    assert.equal(again.leases.length, 2, 'the grant covers both now: no new request');
  } finally {
    client.close();
  }
});
