/**
 * The killswitch really cuts access: every lease revoked, pending requests denied, supervised process
 * groups terminated (SIGKILL after the grace for one that ignores SIGTERM), every lease refused with
 * exit 5 — also after a restart — until an admin disengages; `--wipe` leaves no value anywhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { assertNoPlaintext } from '../helpers/plaintext.js';
import { groupAlive, waitUntil } from '../helpers/processes.js';
import { type CliResult, TestStore } from '../helpers/store.js';

// Long enough that "still running right after engaging" is about the daemon waiting, not the machine being quick.
const GRACE_MS = 5000;
const CONFIG = {
  killswitch_grace: '5s',
  approval_timeout: '30s',
  approvals: { policy: 'preapproved', preapproved: [{ client_id: 'agent-1' }, { client_id: 'agent-2' }] },
};
const VALUES = { deploy_key: 'dk-killswitch-0123456789', api_token: 'tok-killswitch-abcdefghij' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const markers = mkdtempSync(join(tmpdir(), 'as-ks-'));
const STUBBORN_MARKER = join(markers, 'stubborn');

/**
 * A process group holding a "secret". The stubborn one carries on after SIGTERM and notes each one
 * in its marker file (written "ready" once its trap is set), so the test knows SIGTERM reached it.
 */
function spawnGroup(stubborn: boolean): ChildProcess {
  const script = stubborn ? `trap 'echo term >> ${STUBBORN_MARKER}' TERM; echo ready > ${STUBBORN_MARKER}; while :; do sleep 1; done` : 'sleep 300 & wait';
  return spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
}

/** Running, not a zombie waiting to be reaped. */
function running(child: ChildProcess): boolean {
  if (child.exitCode !== null || child.signalCode !== null) return false;
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function register(socket: string, child: ChildProcess): Promise<void> {
  const client = await RpcClient.connect(socket);
  try {
    await client.call('exec.register', { pid: child.pid!, pgid: child.pid!, lease_ids: [] });
  } finally {
    client.close();
  }
}

describe('killswitch', () => {
  const store = new TestStore({ config: CONFIG, autoApprove: false });
  const groups: ChildProcess[] = [];
  let leaseIds: string[] = [];
  let waiting: Promise<CliResult>;
  let engaged: CliResult;
  /** Right after engaging, once SIGTERM reached it: was the stubborn group still running? */
  let stubbornAfterTerm = false;

  before(async () => {
    await store.init();
    await store.start();
    for (const [name, value] of Object.entries(VALUES)) assert.equal((await store.admin(['add', name], { input: value })).code, 0);
    leaseIds = await Promise.all(
      ['agent-1', 'agent-2'].map(async (client) => (await store.cli(['lease', 'deploy_key', '--json', '--client-id', client])).json.data.lease_id as string),
    );
    groups.push(spawnGroup(true), spawnGroup(false));
    assert.ok(await waitUntil(() => existsSync(STUBBORN_MARKER)), 'the stubborn group set its trap');
    await sleep(100);
    for (const child of groups) await register(store.socket, child);
    waiting = store.cli(['lease', 'api_token', '--json', '--client-id', 'stranger']);
    for (let i = 0; i < 100 && (await store.cli(['requests'])).json.data.requests.length === 0; i++) await sleep(50);
    engaged = await store.cli(['killswitch', '--reason', 'suspected leak']);
    await waitUntil(() => readFileSync(STUBBORN_MARKER, 'utf8').includes('term'));
    stubbornAfterTerm = running(groups[0]!);
  });
  after(async () => {
    for (const child of groups) if (groupAlive(child.pid!)) process.kill(-child.pid!, 'SIGKILL');
    rmSync(markers, { recursive: true, force: true });
    await store.cleanup();
  });

  test('engaging reports what it cut, in one audit entry', async () => {
    assert.equal(engaged.code, 0, engaged.stderr);
    assert.deepEqual(engaged.json.data, { rotations_started: 0, revoked_leases: 2, denied_requests: 1, terminated_process_groups: 2, deleted_env_files: 0, wiped_secrets: 0 });
    const audit = (await store.cli(['audit', '--action', 'killswitch.engaged'])).json.data.entries;
    assert.equal(audit.length, 1);
    assert.equal(audit[0].detail.reason, 'suspected leak');
    assert.equal(audit[0].detail.revoked_leases, 2);
    assert.equal(typeof audit[0].pid, 'number');
  });

  test('every lease was revoked and the pending request denied with exit 5', async () => {
    for (const id of leaseIds) assert.equal((await store.cli(['renew', id])).code, 6);
    assert.equal((await store.cli(['leases'])).json.data.leases.length, 0);
    const denied = await waiting;
    assert.equal(denied.code, 5);
    assert.equal(denied.json.error.code, 'KILLSWITCH_ENGAGED');
  });

  test('supervised process groups are gone, the SIGTERM-ignoring one only after the grace', async () => {
    assert.ok(readFileSync(STUBBORN_MARKER, 'utf8').includes('term'), 'SIGTERM reached the stubborn group');
    assert.equal(stubbornAfterTerm, true, 'SIGTERM alone did not end it, and SIGKILL waited for the grace');
    await waitUntil(() => !groupAlive(groups[1]!.pid!));
    assert.equal(groupAlive(groups[1]!.pid!), false, 'the polite group went with SIGTERM');
    await waitUntil(() => !groups.some((c) => groupAlive(c.pid!)), GRACE_MS + 10_000);
    for (const child of groups) assert.equal(groupAlive(child.pid!), false, `process group ${child.pid} still alive`);
    assert.equal(groups[0]!.signalCode, 'SIGKILL', 'the stubborn one needed SIGKILL');
  });

  test('leases are refused with exit 5 and a hint, also after a restart', async () => {
    const refused = await store.cli(['lease', 'deploy_key', '--client-id', 'agent-1']);
    assert.equal(refused.code, 5);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /killswitch --disengage/);
    await store.daemon!.stop();
    await store.start();
    const status = (await store.cli(['status'])).json.data;
    assert.equal(status.killswitch.engaged, true);
    assert.equal(status.killswitch.reason, 'suspected leak');
    assert.equal(status.locked, true);
    assert.equal((await store.cli(['lease', 'deploy_key', '--client-id', 'agent-1'])).code, 5);
  });

  test('disengaging needs the passphrase; then leases work again', async () => {
    const agent = await store.cli(['killswitch', '--disengage']);
    assert.equal(agent.code, 4);
    assert.equal(agent.json.error.code, 'ADMIN_REQUIRED');
    assert.equal((await store.admin(['killswitch', '--disengage'])).code, 0);
    assert.equal((await store.cli(['status'])).json.data.killswitch.engaged, false);
    assert.equal((await store.cli(['lease', 'deploy_key', '--client-id', 'agent-1'])).stdout, VALUES.deploy_key);
  });

  test('--wipe destroys every value: nothing recoverable in any file', async () => {
    const refused = await store.cli(['killswitch', '--wipe', '--reason', 'agent wipe']);
    assert.equal(refused.code, 4, 'wiping is admin: an agent may cut access, not destroy the values');
    assert.equal(refused.json.error.code, 'ADMIN_REQUIRED');
    assert.equal((await store.cli(['list'])).json.data.secrets.length, 2);
    // What `secrets scan --import` leaves: the original .env files, encrypted to the store's key.
    mkdirSync(join(store.home, 'backups'), { mode: 0o700, recursive: true });
    writeFileSync(join(store.home, 'backups', '20261128T120000Z-project-.env-abcd.age'), 'age-encryption.org/v1 (a stand-in ciphertext)', { mode: 0o600 });
    const wiped = await store.admin(['killswitch', '--wipe', '--reason', 'wipe test']);
    assert.equal(wiped.code, 0, wiped.stderr);
    assert.equal(wiped.json.data.wiped_secrets, 2);
    assert.deepEqual(readdirSync(join(store.home, 'backups')), [], 'the wipe deletes the import backups: the passphrase would open them');
    assert.equal((await store.cli(['list'])).json.data.secrets.length, 0);
    assertNoPlaintext(store.home, VALUES);
    await store.daemon!.stop();
    assertNoPlaintext(store.home, VALUES);
  });
});
