/** The daemon itself terminates a supervised process group when a lease it holds is revoked or expires. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ChildProcess, spawn } from 'node:child_process';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { groupAlive as alive, waitUntil } from '../helpers/processes.js';
import { type TestStore, startedStore } from '../helpers/store.js';

let store: TestStore;
const children: ChildProcess[] = [];
const waitGone = (pgid: number) => waitUntil(() => !alive(pgid));

before(async () => {
  store = await startedStore({ config: { killswitch_grace: '1s' } });
  await store.admin(['add', 'held'], { input: 'held-value' });
});
after(async () => {
  for (const c of children) if (alive(c.pid!)) process.kill(-c.pid!, 'SIGKILL');
  await store.cleanup();
});

async function holdLease(ttl: string, stubborn = false): Promise<{ leaseId: string; pgid: number }> {
  const leaseId = (await store.cli(['lease', 'held', '--json', '--ttl', ttl, '--client-id', 'supervisor'])).json.data.lease_id as string;
  const child = spawn('sh', ['-c', stubborn ? 'trap "" TERM; sleep 300 & wait' : 'sleep 300 & wait'], { detached: true, stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => setTimeout(r, 50));
  const client = await RpcClient.connect(store.socket);
  try {
    await client.call('exec.register', { pid: child.pid!, pgid: child.pid!, lease_ids: [leaseId] });
  } finally {
    client.close();
  }
  return { leaseId, pgid: child.pid! };
}

test('revoking a lease terminates the process group holding it (SIGKILL after the grace if it must)', async () => {
  const polite = await holdLease('1h');
  const stubborn = await holdLease('1h', true);
  const bystander = await holdLease('1h');
  assert.equal((await store.cli(['revoke', polite.leaseId])).code, 0);
  assert.equal((await store.cli(['revoke', stubborn.leaseId])).code, 0);
  assert.equal(await waitGone(polite.pgid), true);
  assert.equal(await waitGone(stubborn.pgid), true);
  assert.equal(alive(bystander.pgid), true, 'a group holding another lease keeps running');
});

test('a lease that expires takes its process group with it', async () => {
  const held = await holdLease('2s');
  assert.equal(alive(held.pgid), true);
  assert.equal(await waitGone(held.pgid), true);
});
