import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  type AdminConfirmationT,
  ApprovalQueue,
  type Outcome,
  type Prompt,
  type QueueState,
  approveParams,
  promptId,
  settledBeforeOutcome,
} from '../../electron/main/approval-queue.js';
import { DaemonError } from '../../shared/errors.js';
import type { ApprovalRequestT } from '../../shared/protocol.js';
import { FakeClock } from '../helpers/fake-clock.js';

const START = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

function lease(id: string, expiresInMs = 120_000): Prompt {
  const request: ApprovalRequestT = {
    request_id: id,
    client_id: `agent-${id}`,
    secret_names: ['github_token'],
    ttl: '1h',
    reason: 'new client',
    verified: null,
    reported_pid: null,
    env_file: null,
    created_at: iso(START),
    expires_at: iso(START + expiresInMs),
  };
  return { kind: 'lease', request };
}

function confirmation(id: string, expiresInMs = 120_000): Prompt {
  const c: AdminConfirmationT = {
    confirmation_id: id,
    method: 'secrets.remove',
    command: 'secrets rm github_token',
    caller: null,
    created_at: iso(START),
    expires_at: iso(START + expiresInMs),
  };
  return { kind: 'confirmation', confirmation: c };
}

const shownId = (q: ApprovalQueue) => {
  const p = q.current();
  return p === null ? null : promptId(p);
};
const outcomeSummary = (o: Outcome) => `${o.kind === 'lease' ? o.request.request_id : o.confirmation.confirmation_id}:${o.decision.decision}:${o.by}`;

describe('approval queue', () => {
  let clock: FakeClock;
  let outcomes: Outcome[];
  let states: QueueState[];
  let queue: ApprovalQueue;

  beforeEach(() => {
    clock = new FakeClock(START);
    outcomes = [];
    states = [];
    queue = new ApprovalQueue(clock, (o) => outcomes.push(o));
    queue.onChange((s) => states.push(s));
  });

  test('shows one prompt at a time, first in first out, whatever its kind', () => {
    queue.add(lease('R-aaaa'));
    queue.add(confirmation('C-bbbb'));
    queue.add(lease('R-cccc'));
    assert.equal(shownId(queue), 'R-aaaa');
    assert.equal(queue.state().waiting, 2);

    assert.deepEqual(queue.decide('R-aaaa', { decision: 'once' }), { ok: true });
    assert.equal(shownId(queue), 'C-bbbb');
    assert.deepEqual(queue.decide('C-bbbb', { decision: 'allow' }), { ok: true });
    assert.equal(shownId(queue), 'R-cccc');
    assert.deepEqual(queue.decide('R-cccc', { decision: 'for', for: '8h', scope: 'all', max_ttl: '2h' }), { ok: true });
    assert.equal(queue.current(), null);
    assert.deepEqual(outcomes.map(outcomeSummary), ['R-aaaa:once:person', 'C-bbbb:allow:person', 'R-cccc:for:person']);
    assert.deepEqual(outcomes[2]!.decision, { decision: 'for', for: '8h', scope: 'all', max_ttl: '2h' });
  });

  test('listeners hear every change: each add, each decision, and the queue emptying', () => {
    queue.add(lease('R-aaaa'));
    queue.add(lease('R-bbbb'));
    queue.decide('R-aaaa', { decision: 'deny' });
    queue.withdraw('R-bbbb');
    assert.deepEqual(
      states.map((s) => [s.current && promptId(s.current), s.waiting]),
      [['R-aaaa', 0], ['R-aaaa', 1], ['R-bbbb', 0], [null, 0]],
    );
    const unsubscribe = queue.onChange(() => assert.fail('unsubscribed'));
    unsubscribe();
    queue.add(lease('R-cccc'));
  });

  test('a prompt nobody answers is denied at its expires_at and replaced by the next', () => {
    queue.add(lease('R-aaaa', 30_000));
    queue.add(confirmation('C-bbbb', 60_000));
    clock.advance(29_999);
    assert.equal(shownId(queue), 'R-aaaa');
    assert.deepEqual(outcomes, []);
    clock.advance(1);
    assert.deepEqual(outcomes.map(outcomeSummary), ['R-aaaa:deny:timeout']);
    assert.equal(shownId(queue), 'C-bbbb');
    assert.equal(states.at(-1)!.current && promptId(states.at(-1)!.current!), 'C-bbbb');
    clock.advance(30_000);
    assert.deepEqual(outcomes.map(outcomeSummary), ['R-aaaa:deny:timeout', 'C-bbbb:deny:timeout']);
    assert.equal(queue.current(), null);
  });

  test('a waiting prompt that expires before its turn is denied and never shown', () => {
    queue.add(lease('R-aaaa', 120_000));
    queue.add(lease('R-bbbb', 10_000));
    queue.add(lease('R-cccc', 120_000));
    clock.advance(10_000);
    assert.deepEqual(outcomes.map(outcomeSummary), ['R-bbbb:deny:timeout']);
    queue.decide('R-aaaa', { decision: 'deny' });
    assert.equal(shownId(queue), 'R-cccc');
  });

  test('a dead prompt is never shown, even when its timer has not run (the machine slept)', () => {
    const stalled = new FakeClock(START);
    const q = new ApprovalQueue({ now: () => stalled.now(), setTimer: () => 0, clearTimer: () => {} }, (o) => outcomes.push(o));
    q.add(lease('R-aaaa', 30_000));
    q.add(lease('R-bbbb', 60_000));
    stalled.time = START + 45_000;
    assert.equal(q.current() && promptId(q.current()!), 'R-bbbb');
    assert.deepEqual(outcomes.map(outcomeSummary), ['R-aaaa:deny:timeout']);
    stalled.time = START + 60_000;
    assert.deepEqual(q.decide('R-bbbb', { decision: 'once' }), { ok: false, reason: 'expired' });
    assert.deepEqual(outcomes.map(outcomeSummary), ['R-aaaa:deny:timeout', 'R-bbbb:deny:timeout']);
  });

  test('a prompt that arrives already expired is denied at once and not shown', () => {
    clock.advance(200_000);
    assert.equal(queue.add(lease('R-aaaa', 120_000)), false);
    const unreadable = lease('R-bbbb');
    if (unreadable.kind === 'lease') unreadable.request.expires_at = 'soon';
    assert.equal(queue.add(unreadable), false, 'an unreadable expiry counts as passed');
    assert.equal(queue.current(), null);
    assert.deepEqual(outcomes.map(outcomeSummary), ['R-aaaa:deny:timeout', 'R-bbbb:deny:timeout']);
    assert.deepEqual(states, []);
  });

  test('a request withdrawn by its client while shown leaves without an outcome; the next is shown', () => {
    queue.add(lease('R-aaaa'));
    queue.add(lease('R-bbbb'));
    assert.equal(queue.withdraw('R-aaaa'), true);
    assert.equal(shownId(queue), 'R-bbbb');
    assert.deepEqual(queue.decide('R-aaaa', { decision: 'once' }), { ok: false, reason: 'withdrawn' });
    clock.advance(600_000);
    assert.deepEqual(outcomes.map(outcomeSummary), ['R-bbbb:deny:timeout'], 'its timer was stopped');
  });

  test('a request withdrawn while waiting is never shown', () => {
    queue.add(lease('R-aaaa'));
    queue.add(lease('R-bbbb'));
    queue.add(lease('R-cccc'));
    assert.equal(queue.withdraw('R-bbbb'), true);
    assert.equal(queue.state().waiting, 1);
    queue.decide('R-aaaa', { decision: 'deny' });
    assert.equal(shownId(queue), 'R-cccc');
    assert.equal(queue.withdraw('R-zzzz'), false);
  });

  test('duplicates are ignored, and so is a prompt announced again after it ended', () => {
    assert.equal(queue.add(lease('R-aaaa')), true);
    assert.equal(queue.add(lease('R-aaaa')), false);
    assert.equal(queue.state().waiting, 0);
    assert.equal(states.length, 1, 'a duplicate is not a change');
    queue.decide('R-aaaa', { decision: 'deny' });
    assert.equal(queue.add(lease('R-aaaa')), false);
    assert.equal(queue.current(), null);
  });

  test('a held prompt announced again with a new expiry (the daemon re-dated it: the clock was set) keeps its place and ends at the new time', () => {
    queue.add(lease('R-aaaa', 60_000));
    queue.add(lease('R-bbbb', 60_000));
    // Announced again with 30 s more (the daemon re-dated it after the wall clock was set).
    assert.equal(queue.add(lease('R-bbbb', 90_000)), false);
    assert.equal(shownId(queue), 'R-aaaa', 'the one on screen stays');
    clock.advance(60_000);
    assert.deepEqual(outcomes.map(outcomeSummary), ['R-aaaa:deny:timeout']);
    assert.equal(shownId(queue), 'R-bbbb', 'still waiting: its new expiry is later');
    clock.advance(30_000);
    assert.deepEqual(outcomes.map(outcomeSummary), ['R-aaaa:deny:timeout', 'R-bbbb:deny:timeout']);
    // Re-dated to a time already past: denied at once, as any expired prompt.
    queue.add(lease('R-cccc', 200_000));
    queue.add(lease('R-cccc', 0));
    assert.equal(outcomes.at(-1) && outcomeSummary(outcomes.at(-1)!), 'R-cccc:deny:timeout');
    assert.equal(queue.current(), null);
  });

  test('a decision for a prompt that is not the one shown changes nothing', () => {
    queue.add(lease('R-aaaa'));
    queue.add(lease('R-bbbb'));
    assert.deepEqual(queue.decide('R-bbbb', { decision: 'once' }), { ok: false, reason: 'not-current' });
    assert.deepEqual(queue.decide('R-nope', { decision: 'once' }), { ok: false, reason: 'unknown' });
    queue.decide('R-aaaa', { decision: 'deny' });
    assert.deepEqual(queue.decide('R-aaaa', { decision: 'once' }), { ok: false, reason: 'decided' }, 'a second click does not land on the next prompt');
    assert.equal(shownId(queue), 'R-bbbb');
    assert.deepEqual(outcomes.map(outcomeSummary), ['R-aaaa:deny:person']);
  });

  test('a decision of the wrong shape or kind is refused and the prompt stays', () => {
    queue.add(lease('R-aaaa'));
    queue.add(confirmation('C-bbbb'));
    for (const bad of [{ decision: 'allow' }, { decision: 'for', for: '3d', scope: 'all' }, { decision: 'for', for: '1h' }, { decision: 'once', scope: 'all' }, 'once', null]) {
      assert.deepEqual(queue.decide('R-aaaa', bad), { ok: false, reason: 'invalid-decision' }, JSON.stringify(bad));
    }
    queue.decide('R-aaaa', { decision: 'once' });
    assert.deepEqual(queue.decide('C-bbbb', { decision: 'once' }), { ok: false, reason: 'invalid-decision' });
    assert.equal(shownId(queue), 'C-bbbb');
  });

  test('a flood of 1,000 holds at most 100, drops the oldest waiting ones, and approves none', () => {
    for (let i = 0; i < 1000; i++) queue.add(lease(`R-${String(i).padStart(4, '0')}`, 120_000 + i));
    const state = queue.state();
    assert.equal(state.waiting, 99);
    assert.equal(state.dropped, 900);
    assert.equal(shownId(queue), 'R-0000', 'the prompt on screen stays');
    queue.decide('R-0000', { decision: 'deny' });
    assert.equal(shownId(queue), 'R-0901', 'the newest are kept, in order');
    assert.deepEqual(queue.decide('R-0500', { decision: 'once' }), { ok: false, reason: 'unknown' });
    clock.advance(200_000);
    assert.equal(outcomes.length, 100);
    assert.ok(outcomes.every((o) => o.decision.decision === 'deny'), 'nothing but denials');
    assert.equal(queue.add(lease('R-0500', 300_000)), true, 'a dropped prompt may come back once there is room');
  });

  test('approveParams turns an allow decision into requests.approve params', () => {
    assert.deepEqual(approveParams('R-aaaa', { decision: 'once' }), { request_id: 'R-aaaa' });
    assert.deepEqual(approveParams('R-aaaa', { decision: 'for', for: 'forever', scope: 'secret' }), { request_id: 'R-aaaa', for: 'forever', scope: 'secret' });
    assert.deepEqual(approveParams('R-aaaa', { decision: 'for', for: '10m', scope: 'all', max_ttl: '30m' }), {
      request_id: 'R-aaaa',
      for: '10m',
      scope: 'all',
      max_ttl: '30m',
    });
  });
});

describe('sending an outcome the daemon no longer waits for', () => {
  test('only "no such pending prompt" is expected (decided, withdrawn or timed out elsewhere first); every other failure is logged', () => {
    assert.equal(settledBeforeOutcome(new DaemonError('REQUEST_NOT_FOUND', 'no pending request R-aaaa', 'list pending requests with: secrets requests')), true);
    assert.equal(settledBeforeOutcome(new DaemonError('REQUEST_NOT_FOUND', 'no admin command C-aaaa is waiting')), true);
    for (const failure of [
      new DaemonError('DAEMON_NOT_RUNNING', 'the daemon is not running'),
      new DaemonError('INVALID_PARAMS', 'max_ttl: not a duration'),
      new DaemonError('INTERNAL', 'internal error'),
      new Error('REQUEST_NOT_FOUND'),
      { code: 'REQUEST_NOT_FOUND', message: 'a look-alike, not a DaemonError' },
      undefined,
    ]) {
      assert.equal(settledBeforeOutcome(failure), false, String((failure as { code?: string } | undefined)?.code ?? failure));
    }
  });
});
