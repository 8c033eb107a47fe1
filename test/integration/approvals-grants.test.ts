/**
 * Human approval of new agents (DESIGN.md §4–§5, issue 3): standing grants, against the real daemon
 * and the real CLI as subprocesses, with nobody standing in for the person
 * (test/helpers/approval-flow.ts). A grant survives a daemon restart, `clients allow` pre-approves a
 * client (optionally for one launcher) and `clients forget` revokes it, and the config policy
 * "preapproved" lets listed clients lease without asking.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestStore } from '../helpers/store.js';
import { LAUNCHER_A, LAUNCHER_KEY_A, TIMEOUT_MS, VALUES, approve, leaseAsks, leaseImmediately, leaseThroughLauncher, learnOwnLauncher, pendingRequests, startLease, store, useApprovalStore, waitForRequest } from '../helpers/approval-flow.js';

/** The launcher of CLI processes this test file spawns directly (node running this test). */
let ownLauncher: string;

useApprovalStore(async () => {
  ownLauncher = await learnOwnLauncher();
});

describe('grants survive a restart', () => {
  test('approve --for 1h, restart the daemon, the lease is immediate', async () => {
    const running = startLease('delta', 'agent-persist');
    const request = await waitForRequest('agent-persist', 'delta');
    await approve(request.request_id, ['--for', '1h']);
    assert.equal((await running.done).stdout, VALUES.delta);

    assert.equal(await store.daemon!.stop(), 0);
    await store.start();
    await leaseImmediately('delta', 'agent-persist');
    const clients = await store.cli(['clients', '--json']);
    const grant = clients.json.data.grants.find((g: any) => g.client_id === 'agent-persist');
    assert.equal(grant.active, true);
    assert.equal(grant.launcher, ownLauncher);
  });
});

describe('clients allow / forget', () => {
  test('allow --secrets a,b --for 1h pre-approves those two; clients lists it; forget asks again', async () => {
    const allowed = await store.admin(['clients', 'allow', 'agent-pre', '--secrets', 'alpha,beta', '--for', '1h']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.deepEqual(allowed.json.data.grant.secrets, ['alpha', 'beta']);

    await leaseImmediately('alpha', 'agent-pre');
    await leaseImmediately('beta', 'agent-pre');
    const asked = await leaseAsks('gamma', 'agent-pre');
    assert.match(asked.reason, /agent-pre/);

    const listed = await store.cli(['clients', '--json']);
    const grants = listed.json.data.grants.filter((g: any) => g.client_id === 'agent-pre');
    assert.equal(grants.length, 1);
    assert.deepEqual(grants[0].secrets, ['alpha', 'beta']);
    assert.equal(grants[0].launcher, null, 'no --launcher: any launcher');
    assert.equal(grants[0].source, 'pre-approval');
    assert.equal(grants[0].active, true);
    const lasts = Date.parse(grants[0].expires_at) - Date.now();
    assert.ok(lasts > 3_500_000 && lasts <= 3_600_000);

    const forgot = await store.admin(['clients', 'forget', 'agent-pre']);
    assert.equal(forgot.code, 0, forgot.stderr);
    assert.equal(forgot.json.data.revoked_grants, 1);
    assert.equal((await store.cli(['clients', '--json'])).json.data.grants.some((g: any) => g.client_id === 'agent-pre'), false);
    await leaseAsks('alpha', 'agent-pre');
  });

  test('allow --launcher binds the grant to that launcher only', async () => {
    const allowed = await store.admin(['clients', 'allow', 'agent-bound', '--launcher', LAUNCHER_KEY_A]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.json.data.grant.launcher, LAUNCHER_KEY_A);
    assert.equal(allowed.json.data.grant.expires_at, null, 'no --for: until revoked');

    const started = Date.now();
    const through = await leaseThroughLauncher(LAUNCHER_A, 'gamma', 'agent-bound');
    assert.equal(through.code, 0);
    assert.equal(through.stdout, VALUES.gamma);
    assert.ok(Date.now() - started < TIMEOUT_MS);
    assert.deepEqual(await pendingRequests(), []);

    const asked = await leaseAsks('gamma', 'agent-bound');
    assert.equal(asked.verified.launcher, ownLauncher);
    assert.equal(asked.reason, `client id "agent-bound" is approved for ${LAUNCHER_KEY_A}, but this request comes from ${ownLauncher}`);
  });
});

describe('config policy "preapproved"', () => {
  let ci: TestStore;
  before(async () => {
    ci = new TestStore({ config: { approval_timeout: '4s', approvals: { policy: 'preapproved', preapproved: [{ client_id: 'ci-bot' }] } }, autoApprove: false });
    await ci.init();
    await ci.start({ AGENT_SECRETS_LOG_LEVEL: 'info' });
    assert.equal((await ci.admin(['add', 'alpha'], { input: VALUES.alpha })).code, 0);
  });
  after(() => ci?.cleanup());

  test('ci-bot leases without a request, others still wait, the daemon logs AUTO-APPROVE, status warns', async () => {
    const started = Date.now();
    const bot = await ci.cli(['lease', 'alpha', '--client-id', 'ci-bot']);
    assert.equal(bot.code, 0, bot.stderr);
    assert.equal(bot.stdout, VALUES.alpha);
    assert.doesNotMatch(bot.stderr, /waiting for approval/);
    assert.ok(Date.now() - started < TIMEOUT_MS);
    assert.deepEqual(await pendingRequests(ci), []);

    const strangerDone = ci.cli(['lease', 'alpha', '--client-id', 'stranger', '--json']);
    const request = await waitForRequest('stranger', 'alpha', ci);
    assert.equal(request.reason, 'new client "stranger"');
    assert.equal((await ci.admin(['deny', request.request_id])).code, 0);
    const stranger = await strangerDone;
    assert.equal(stranger.code, 4);
    assert.equal(stranger.json.error.code, 'DENIED');

    const log = ci.daemon!.stderr();
    const line = log.split('\n').find((l) => l.includes('AUTO-APPROVE'));
    assert.ok(line, `the daemon logs AUTO-APPROVE at start:\n${log}`);
    assert.match(line, /ci-bot/);

    const status = await ci.cli(['status', '--json']);
    assert.equal(status.json.data.approvals.policy, 'preapproved');
    assert.ok(status.json.data.warnings.some((w: string) => /preapproved/.test(w) && /1 client/.test(w)), status.stdout);

    const mainStatus = await store.cli(['status', '--json']);
    assert.equal(mainStatus.json.data.approvals.policy, 'prompt');
    assert.equal(mainStatus.json.data.approvals.timeout, '4s');
    assert.deepEqual(mainStatus.json.data.warnings, []);
  });
});
