/**
 * Rights, tried as an agent that skips the CLI and talks to the socket from its own program: it can
 * reach the daemon, so everything it may not do must be refused by the daemon itself, and the
 * person's leases and values must come out intact.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, type TestStore, startedStore } from '../helpers/store.js';

const ATTACKER = join(REPO, 'test', 'fixtures', 'raw-rpc.mjs');

interface Answer {
  result?: any;
  error?: { data: { code: string; message: string } };
}

/** Runs the calls from the attacker's own process (its own launcher), in order on one connection. */
async function asAttacker(store: TestStore, calls: [string, object][]): Promise<Answer[]> {
  // Detached: it leads its own process group, as a supervised command would.
  const child = spawn(process.execPath, [ATTACKER, store.socket, JSON.stringify(calls)], { env: { PATH: process.env.PATH ?? '' }, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await once(child, 'close');
  return JSON.parse(stdout) as Answer[];
}

const codeOf = (answer: Answer) => answer.error?.data.code ?? 'ok';

describe('rights against a raw-socket agent', () => {
  let store: TestStore;
  let lease: { lease_id: string; expires_at: string };
  before(async () => {
    store = await startedStore({ config: { rotation_timeout: '5s' } });
    assert.equal((await store.admin(['add', 'token', '--rotate-via', 'echo rotated'], { input: 'the-real-token' })).code, 0);
    // The honest agent: this test's own program, leasing through the CLI (approved by the stand-in person).
    lease = (await store.cli(['lease', 'token', '--json', '--client-id', 'honest', '--ttl', '1h'])).json.data;
  });
  after(() => store.cleanup());

  test("it cannot see, renew or revoke another program's leases", async () => {
    const answers = await asAttacker(store, [
      ['lease.list', {}],
      ['lease.renew', { lease_id: lease.lease_id, ttl: '24h' }],
      ['lease.revoke', { lease_id: lease.lease_id }],
      ['lease.revoke', { all: true }],
      ['lease.revoke', { client_id: 'honest' }],
      ['lease.revoke', { secret_name: 'token' }],
      // Tie its own group to the honest lease, hoping the lease's end kills something of the person's.
      ['exec.register', { pid: '$pid', pgid: '$pid', lease_ids: [lease.lease_id] }],
    ]);
    assert.deepEqual(answers[0]!.result, { leases: [] }, 'its own leases only: none');
    assert.equal(codeOf(answers[1]!), 'DENIED');
    assert.equal(codeOf(answers[2]!), 'DENIED');
    for (const answer of answers.slice(3, 6)) assert.deepEqual(answer.result, { revoked: [] });
    assert.equal(codeOf(answers[6]!), 'DENIED', "a group is registered only against the caller's own leases");
    const mine = (await store.cli(['leases', '--json'])).json.data.leases;
    assert.deepEqual(mine.map((l: { lease_id: string; expires_at: string }) => [l.lease_id, l.expires_at]), [[lease.lease_id, lease.expires_at]], 'the lease is active and unchanged');
  });

  test('it cannot wipe the store, run rotation hooks, or unlock; it can pull the emergency brake', async () => {
    const answers = await asAttacker(store, [
      ['killswitch.engage', { wipe: true, reason: 'oops' }],
      ['killswitch.engage', { rotate: true }],
      ['secrets.rotate', { name: 'token' }],
      ['secrets.rotate', { name: 'token', client_id: 'honest' }],
      ['secrets.remove', { name: 'token' }],
      ['clients.allow', { client_id: 'evil' }],
    ]);
    assert.deepEqual(answers.map(codeOf), ['ADMIN_REQUIRED', 'ADMIN_REQUIRED', 'DENIED', 'DENIED', 'ADMIN_REQUIRED', 'ADMIN_REQUIRED']);
    assert.match(answers[3]!.error!.data.message, /needs a grant/, "borrowing an approved client's id does not borrow its launcher's grant");
    assert.equal((await store.cli(['lease', 'token', '--client-id', 'honest'])).stdout, 'the-real-token', 'no value was wiped or rotated');

    const brake = await asAttacker(store, [['killswitch.engage', { reason: 'agent saw something odd' }]]);
    assert.equal(brake[0]!.result.revoked_leases >= 1, true);
    assert.equal((await store.cli(['lease', 'token', '--client-id', 'honest'])).code, 5);
    assert.equal((await store.admin(['killswitch', '--disengage'])).code, 0);
  });

  test('renewal stays within the grant, and forgetting a client revokes what it holds', async () => {
    assert.equal((await store.admin(['clients', 'allow', 'capped', '--max-ttl', '2h'])).code, 0);
    const capped = (await store.cli(['lease', 'token', '--json', '--client-id', 'capped', '--ttl', '1h'])).json.data;
    const renewed = await store.cli(['renew', capped.lease_id, '--ttl', '24h']);
    assert.equal(renewed.code, 0, renewed.stderr);
    assert.equal(renewed.json.data.capped, true);
    const granted = Date.parse((await store.cli(['audit', '--action', 'lease.granted', '--client', 'capped', '--json'])).json.data.entries[0].at);
    assert.ok(Date.parse(renewed.json.data.expires_at) <= granted + 2 * 3_600_000, "never past the grant's 2h from when it was granted");

    const forgot = await store.admin(['clients', 'forget', 'capped']);
    assert.equal(forgot.code, 0, forgot.stderr);
    assert.equal(forgot.json.data.revoked_leases, 1);
    assert.equal((await store.cli(['renew', capped.lease_id])).code, 6, 'its lease is revoked');

    assert.equal((await store.admin(['clients', 'allow', 'single'])).code, 0);
    const single = (await store.cli(['lease', 'token', '--json', '--client-id', 'single'])).json.data;
    const grant = (await store.cli(['clients', '--json'])).json.data.grants.find((g: { client_id: string; active: boolean }) => g.client_id === 'single' && g.active);
    assert.equal((await store.cli(['clients', 'revoke', grant.grant_id])).code, 4, 'revoking a grant is the owner\'s');
    const revoked = await store.admin(['clients', 'revoke', grant.grant_id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.json.data.revoked_leases, 1);
    assert.equal((await store.cli(['renew', single.lease_id])).code, 6, 'the lease only that grant covered is revoked');
  });

  test('audit entries of state changes name the verified caller', async () => {
    const entries = (await store.cli(['audit', '--action', 'killswitch.engaged', '--json'])).json.data.entries;
    const by = entries.at(-1).detail.by as { launcher: string; admin: boolean; pid: number };
    assert.match(by.launcher, /raw-rpc\.mjs$/, 'the engaging program, as the kernel and /proc show it');
    assert.equal(by.admin, false);
    assert.equal(typeof by.pid, 'number');
  });
});
