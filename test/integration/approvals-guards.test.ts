/**
 * Human approval of new agents (DESIGN.md §4–§5, issue 3): what keeps the prompts in check, against
 * the real daemon and the real CLI as subprocesses, with nobody standing in for the person
 * (test/helpers/approval-flow.ts). Identical concurrent leases share one request, a denied client is
 * refused for the cooldown, a client may have only so many requests waiting, and an agent cannot
 * decide its own request without the passphrase.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { COOLDOWN_MS, VALUES, approve, auditEntries, leaseAsks, pendingRequests, scratch, startLease, store, useApprovalStore, waitForRequest, waitingOn } from '../helpers/approval-flow.js';

useApprovalStore();

describe('coalescing, cooldown and the per-client cap', () => {
  test('two identical concurrent leases make one request; one approval releases both', async () => {
    const a = startLease('beta', 'agent-twin');
    const b = startLease('beta', 'agent-twin');
    const [idA, idB] = await Promise.all([waitingOn(a), waitingOn(b)]);
    assert.equal(idA, idB, 'both wait on the same request');
    const pending = (await pendingRequests()).filter((r) => r.client_id === 'agent-twin');
    assert.equal(pending.length, 1);
    assert.equal(pending[0].request_id, idA);
    await approve(idA);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    assert.equal(ra.stdout, VALUES.beta);
    assert.equal(rb.stdout, VALUES.beta);
    const requested = await auditEntries(['--action', 'approval.requested', '--client', 'agent-twin']);
    assert.equal(requested.length, 1, 'one prompt, one audit entry');
  });

  test('after a deny the client is refused without a new request for the cooldown, then asked again', async () => {
    const running = startLease('gamma', 'agent-cool');
    const request = await waitForRequest('agent-cool', 'gamma');
    const deniedAt = Date.now();
    assert.equal((await store.admin(['deny', request.request_id])).code, 0);
    assert.equal((await running.done).code, 4);

    const started = Date.now();
    const refused = await startLease('gamma', 'agent-cool', ['--json']).done;
    assert.equal(refused.code, 4);
    assert.equal(refused.json.error.code, 'DENIED');
    assert.match(refused.json.error.message, /denied client "agent-cool" from this launcher; requests are refused for another [1-3]s/);
    assert.ok(Date.now() - started < 2_000, 'refused at once');
    const otherSecret = await startLease('delta', 'agent-cool', ['--json']).done;
    assert.equal(otherSecret.code, 4, 'the cooldown covers the client, not just the secret');
    assert.match(otherSecret.json.error.message, /requests are refused for another/);
    assert.deepEqual((await pendingRequests()).filter((r) => r.client_id === 'agent-cool'), [], 'no new request during the cooldown');
    assert.equal((await auditEntries(['--action', 'approval.requested', '--client', 'agent-cool'])).length, 1);

    await sleep(Math.max(0, deniedAt + COOLDOWN_MS - Date.now()) + 200);
    const again = await leaseAsks('gamma', 'agent-cool');
    assert.notEqual(again.request_id, request.request_id);
  });

  test('with max_pending_per_client 2, a third concurrent request is refused at once', async () => {
    const first = startLease('alpha', 'agent-greedy');
    const second = startLease('beta', 'agent-greedy');
    const r1 = await waitForRequest('agent-greedy', 'alpha');
    const r2 = await waitForRequest('agent-greedy', 'beta');

    const started = Date.now();
    const third = await startLease('gamma', 'agent-greedy', ['--json']).done;
    assert.equal(third.code, 4);
    assert.equal(third.json.error.code, 'DENIED');
    assert.match(third.json.error.message, /client "agent-greedy" already has 2 requests waiting for a person/);
    assert.ok(Date.now() - started < 2_000, 'refused at once');
    assert.equal((await pendingRequests()).filter((r) => r.client_id === 'agent-greedy').length, 2);

    // The cap is per client: another client may still ask.
    const bystander = startLease('gamma', 'agent-bystander');
    const r3 = await waitForRequest('agent-bystander', 'gamma');

    await approve(r1.request_id);
    await approve(r2.request_id);
    await approve(r3.request_id);
    assert.equal((await first.done).stdout, VALUES.alpha);
    assert.equal((await second.done).stdout, VALUES.beta);
    assert.equal((await bystander.done).stdout, VALUES.gamma);
  });
});

describe('an agent cannot approve itself', () => {
  test('approve/deny/allow without the passphrase → ADMIN_REQUIRED; a wrong passphrase → PASSPHRASE_INCORRECT; the request stays pending', async () => {
    const running = startLease('delta', 'agent-self');
    const request = await waitForRequest('agent-self', 'delta');

    const self = await store.cli(['approve', request.request_id, '--for', 'forever', '--scope', 'all']);
    assert.equal(self.code, 4);
    assert.equal(self.json.error.code, 'ADMIN_REQUIRED');
    assert.match(self.json.error.message, /passphrase/);
    assert.match(self.json.error.message, /person who owns the store/);
    assert.match(self.stderr, /secrets: error: .*admin action/);

    const denySelf = await store.cli(['deny', request.request_id]);
    assert.equal(denySelf.code, 4);
    assert.equal(denySelf.json.error.code, 'ADMIN_REQUIRED');

    const allowSelf = await store.cli(['clients', 'allow', 'agent-self']);
    assert.equal(allowSelf.code, 4);
    assert.equal(allowSelf.json.error.code, 'ADMIN_REQUIRED');

    const wrong = join(scratch, 'wrong.pass');
    writeFileSync(wrong, 'not the passphrase\n', { mode: 0o600 });
    const guessed = await store.cli(['approve', request.request_id, '--passphrase-file', wrong]);
    assert.equal(guessed.code, 4);
    assert.equal(guessed.json.error.code, 'PASSPHRASE_INCORRECT');

    const still = (await pendingRequests()).find((r) => r.request_id === request.request_id);
    assert.ok(still, 'the request is still pending');
    assert.equal((await store.cli(['clients', '--json'])).json.data.grants.some((g: any) => g.client_id === 'agent-self'), false);
    const refusals = await auditEntries(['--action', 'admin.denied']);
    assert.ok(refusals.length >= 4);
    assert.deepEqual(
      refusals.slice(-4).map((e) => e.detail.reason),
      ['ADMIN_REQUIRED', 'ADMIN_REQUIRED', 'ADMIN_REQUIRED', 'PASSPHRASE_INCORRECT'],
    );
    assert.equal(typeof refusals.at(-1).pid, 'number');

    const badDuration = await store.admin(['approve', request.request_id, '--for', 'soon']);
    assert.equal(badDuration.code, 2);
    assert.equal(badDuration.json.error.code, 'INVALID_DURATION');
    const badScope = await store.admin(['approve', request.request_id, '--for', '1h', '--scope', 'everything']);
    assert.equal(badScope.code, 2);
    assert.ok((await pendingRequests()).some((r) => r.request_id === request.request_id), 'invalid decisions leave it pending');

    await approve(request.request_id);
    assert.equal((await running.done).stdout, VALUES.delta);
  });
});
