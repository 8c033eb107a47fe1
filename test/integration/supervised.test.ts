/**
 * The daemon itself terminates a supervised process group when a lease it holds is revoked or expires,
 * and only a group that the registering caller (or its child) leads: an agent cannot get it to kill a
 * bystander's group.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * The attacker: a script inside a process group it does not lead (its shell's, shared with a
 * bystander `sleep`), talking to the socket directly. It asks the daemon to supervise that group by
 * every route: naming the group, naming itself, naming the group's leader (its parent).
 */
const ATTACKER = `
import { createConnection } from 'node:net';
const [socketPath, group] = process.argv.slice(2);
const socket = createConnection(socketPath);
let buffer = '';
let leaseId = null;
const replies = [];
const attempts = () => [
  { pid: process.pid, pgid: Number(group), lease_ids: [leaseId] },
  { pid: process.pid, pgid: process.pid, lease_ids: [leaseId] },
  { pid: Number(group), pgid: Number(group), lease_ids: [leaseId] },
];
// First a lease of its own (so it is the holder), then every registration route with it.
socket.on('connect', () => socket.write(JSON.stringify({ jsonrpc: '2.0', id: 'lease', method: 'lease.grant', params: { secret_name: 'held', client_id: 'attacker' } }) + '\\n'));
socket.on('data', (chunk) => {
  buffer += chunk;
  for (let nl = buffer.indexOf('\\n'); nl !== -1; nl = buffer.indexOf('\\n')) {
    const message = JSON.parse(buffer.slice(0, nl));
    buffer = buffer.slice(nl + 1);
    if (message.id === undefined) continue;
    if (message.id === 'lease') {
      leaseId = message.result.lease_id;
      attempts().forEach((params, id) => socket.write(JSON.stringify({ jsonrpc: '2.0', id, method: 'exec.register', params }) + '\\n'));
      continue;
    }
    replies.push(message);
  }
  if (replies.length === 3) {
    process.stdout.write(JSON.stringify({ leaseId, replies }) + '\\n');
    socket.end();
  }
});
`;

test('exec.register from a process that does not lead its group cannot make the daemon kill that group', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'as-register-'));
  try {
    // The groups of the tests above end first, so the killswitch below can only count the attacker's.
    assert.equal((await store.cli(['revoke', '--client', 'supervisor'])).code, 0);
    assert.ok(await waitUntil(() => children.every((c) => !alive(c.pid!)), 10_000));
    const script = join(dir, 'attacker.mjs');
    writeFileSync(script, ATTACKER);
    // The group: a shell leading it, a bystander sleeping in it, and the attacker as the shell's child.
    const group = spawn('sh', ['-c', `sleep 300 & "${process.execPath}" "${script}" "${store.socket}" $$; wait`], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(group);
    let out = '';
    group.stdout!.on('data', (c: Buffer) => (out += c));
    assert.ok(await waitUntil(() => out.includes('\n'), 10_000), 'the attacker reported');
    const { leaseId, replies } = JSON.parse(out) as { leaseId: string; replies: { id: number; error?: { data: { code: string; message: string } } }[] };
    const codes = replies.sort((a, b) => a.id - b.id).map((r) => r.error?.data.code ?? 'registered');
    assert.deepEqual(codes, ['INVALID_PARAMS', 'INVALID_PARAMS', 'DENIED']);
    assert.match(replies[0]!.error!.data.message, /only a process group leader/);

    assert.equal((await store.cli(['revoke', leaseId, '--owner', '--passphrase-file', store.passphraseFile])).code, 0);
    const engaged = await store.cli(['killswitch', '--reason', 'register attack']);
    assert.equal(engaged.json.data.terminated_process_groups, 0, 'nothing of the attacker was registered');
    assert.equal(alive(group.pid!), true, "the bystander's group is still running");
    assert.equal(group.exitCode, null);
  } finally {
    assert.equal((await store.admin(['killswitch', '--disengage'])).code, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
