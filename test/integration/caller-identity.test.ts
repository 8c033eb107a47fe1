/**
 * The daemon records what it verified about a caller (kernel peer credentials, /proc), not what the
 * caller claims: the real pid, and the launcher found in its parent chain.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, REPO, TestStore, startedStore } from '../helpers/store.js';

const run = promisify(execFile);
const LAUNCHER = join(REPO, 'test', 'fixtures', 'agent-launcher.mjs');

let store: TestStore;
before(async () => {
  store = await startedStore();
  await store.admin(['add', 'api_token'], { input: 'tok-identity' });
});
after(() => store.cleanup());

test('a lease records the verified pid and the launcher script behind `sh -c`', async () => {
  const command = `'${process.execPath}' '${LAUNCHER}' '${CLI}' lease api_token --json --client-id identity-test`;
  const { stdout } = await run('sh', ['-c', command], { env: { ...process.env, ...store.env } });
  const report = JSON.parse(stdout) as { launcher_pid: number; cli_pid: number; code: number; stdout: string };
  assert.equal(report.code, 0);
  const lease = JSON.parse(report.stdout).data;

  const audit = await store.cli(['audit', '--action', 'lease.granted', '--client', 'identity-test']);
  const entry = audit.json.data.entries[0];
  assert.equal(entry.lease_id, lease.lease_id);
  assert.equal(entry.pid, report.cli_pid, 'the pid is the one the kernel reports for the connecting process');
  assert.equal(entry.detail.launcher, `${process.execPath} ${LAUNCHER}`, 'the launcher is node plus the agent script, past the CLI and the shell');
  assert.equal(entry.detail.reported_pid, undefined, 'the CLI reported its own pid truthfully');
});

test('a pid the client reports falsely is kept apart from the verified one', async () => {
  const { RpcClient } = await import('../../electron/cli/rpc-client.js');
  const client = await RpcClient.connect(store.socket);
  try {
    const lease = await client.call('lease.grant', { secret_name: 'api_token', client_id: 'liar', client_pid: 1 });
    const audit = await store.cli(['audit', '--client', 'liar', '--action', 'lease.granted']);
    const entry = audit.json.data.entries[0];
    assert.equal(entry.lease_id, lease.lease_id);
    assert.equal(entry.pid, process.pid);
    assert.equal(entry.detail.reported_pid, 1);
  } finally {
    client.close();
  }
});

test('a connection from another user is refused even when the socket is reachable', { skip: process.getuid?.() !== 0 && 'needs root to run a client as another user' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'as-uid-'));
  const other = new TestStore();
  try {
    chmodSync(dir, 0o777);
    const socket = join(dir, 'open.sock');
    other.env.AGENT_SECRETS_SOCKET = socket;
    await other.init();
    await other.start();
    chmodSync(socket, 0o666); // a misconfiguration the uid check still covers
    const probe = `const s=require('net').connect(${JSON.stringify(socket)});s.on('connect',()=>s.write('{"jsonrpc":"2.0","id":1,"method":"health"}\\n'));let d='';s.on('data',c=>d+=c);s.on('close',()=>process.stdout.write(d));s.on('error',e=>process.stdout.write('error '+e.code))`;
    const { stdout } = await run(process.execPath, ['-e', probe], { uid: 65534, gid: 65534 });
    const frame = JSON.parse(stdout.trim().split('\n')[0]!);
    assert.equal(frame.error.data.code, 'DENIED');
    assert.match(frame.error.message, /other users are refused \(uid 65534\)/);
    assert.equal((await other.cli(['health'])).code, 0, 'the owner is still served');
  } finally {
    await other.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an approval request shows the verified pid, executable, parent chain and launcher', async () => {
  const quiet = new TestStore({ autoApprove: false });
  try {
    await quiet.init();
    await quiet.start();
    await quiet.admin(['add', 'api_token'], { input: 'tok-identity' });
    const command = `'${process.execPath}' '${LAUNCHER}' '${CLI}' lease api_token --json --client-id waiting-agent`;
    const launched = run('sh', ['-c', command], { env: { ...process.env, ...quiet.env } });
    let request: any;
    for (let i = 0; i < 200 && !request; i++) {
      request = (await quiet.cli(['requests'])).json.data.requests[0];
      if (!request) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(request, 'the lease became a pending request');
    assert.equal(request.client_id, 'waiting-agent');
    assert.equal(request.verified.exe, process.execPath, 'the CLI runs on node');
    assert.equal(request.verified.pid, request.reported_pid, 'the CLI reported its real pid');
    assert.equal(request.verified.launcher, `${process.execPath} ${LAUNCHER}`);
    const parentArgs = request.verified.parents.map((p: { argv: string[] }) => p.argv.join(' '));
    assert.equal(parentArgs[0], `${process.execPath} ${LAUNCHER} ${CLI} lease api_token --json --client-id waiting-agent`, 'first parent: the launcher script');
    assert.match(request.verified.parents[1].exe, /\/(da|ba)?sh$/, 'then the shell');
    assert.equal(request.verified.uid, process.getuid?.());
    await quiet.admin(['deny', request.request_id]);
    const report = JSON.parse((await launched).stdout) as { cli_pid: number; code: number };
    assert.equal(report.cli_pid, request.verified.pid);
    assert.equal(report.code, 4);
  } finally {
    await quiet.cleanup();
  }
});
