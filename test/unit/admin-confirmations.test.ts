import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { describeCommand } from '../../electron/daemon/auth/admin-confirmations.js';
import { createDispatch } from '../../electron/daemon/server/dispatch.js';
import { createHandlers } from '../../electron/daemon/server/handlers.js';
import { DaemonError } from '../../shared/errors.js';
import { type TestCore, createTestCore } from '../helpers/core.js';

let t: TestCore;
beforeEach(async () => {
  t = await createTestCore({ approval_timeout: '30s' }, { adminPassphrase: 'the person' });
  Object.defineProperty(t.core.adminConfirmations, 'enabled', { value: true });
});
afterEach(() => t.dispose());

const terminal = (pid: number, signal?: AbortSignal) => ({
  transport: 'socket' as const,
  signal,
  identity: () => ({ uid: 0, pid, exe: '/bin/sh', cwd: '/', argv: ['sh'], parents: [], launcher: null, launcher_key: `/usr/bin/term-${pid}` }) as never,
});
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (e: DaemonError) => e.code);

test('the window shows the exact command with secret values left out', () => {
  assert.equal(describeCommand('secrets.add', { value: 'hunter2', name: 'db' }), 'secrets.add {"name":"db","value":"<hidden>"}');
});

test('a terminal admin command waits for the person: allowed, it runs; refused or unanswered, it does not', async () => {
  const dispatch = createDispatch(t.core, createHandlers(t.core));
  const allowed = dispatch(terminal(10), 'secrets.add', { name: 'a', value: 'v' });
  const [waiting] = t.core.adminConfirmations.list();
  assert.equal(waiting!.command, 'secrets.add {"name":"a","value":"<hidden>"}');
  await dispatch({ transport: 'ipc' }, 'confirmations.decide', { confirmation_id: waiting!.confirmation_id, allow: true });
  assert.equal(await codeOf(allowed), 'ok');
  assert.equal(t.core.secrets.exists('a'), true);

  const refused = dispatch(terminal(11), 'secrets.remove', { name: 'a' });
  await dispatch({ transport: 'ipc' }, 'confirmations.decide', { confirmation_id: t.core.adminConfirmations.list()[0]!.confirmation_id, allow: false });
  assert.equal(await codeOf(refused), 'DENIED');

  const unanswered = dispatch(terminal(12), 'secrets.remove', { name: 'a' });
  t.clock.advance(30_001);
  assert.equal(await codeOf(unanswered), 'DENIED', 'nobody answered: refused at the approval timeout');
  assert.equal(t.core.secrets.exists('a'), true);

  const gone = new AbortController();
  const abandoned = dispatch(terminal(13, gone.signal), 'secrets.remove', { name: 'a' });
  gone.abort();
  assert.equal(await codeOf(abandoned), 'DENIED', 'a terminal that went away withdraws its command');
  assert.deepEqual(t.core.adminConfirmations.list(), []);
  const decisions = t.core.audit.query({ action: 'admin.confirmation_decided' }).map((e) => (e.detail as { decision: string }).decision);
  assert.deepEqual(decisions, ['allowed', 'refused', 'no answer within 30s', 'the terminal went away']);
});

test('a wrong proof is never turned into a question, and a flood of commands is bounded', async () => {
  const dispatch = createDispatch(t.core, createHandlers(t.core));
  assert.equal(await codeOf(dispatch({ ...terminal(20), proof: { nonce: 'x', proof: 'y' } }, 'secrets.add', { name: 'b', value: 'v' })), 'PASSPHRASE_INCORRECT');
  const flood = Array.from({ length: 5 }, () => codeOf(dispatch(terminal(21), 'secrets.remove', { name: 'b' })));
  assert.equal(t.core.adminConfirmations.list().length, 2, 'at most two wait per program');
  assert.deepEqual((await Promise.all(flood.slice(2))).sort(), ['DENIED', 'DENIED', 'DENIED']);
  t.core.adminConfirmations.close();
  assert.deepEqual(await Promise.all(flood.slice(0, 2)), ['DENIED', 'DENIED']);
});

test('a decision the disk will not record: the command does not run, and a timeout from the timer does not end the daemon', async () => {
  const dispatch = createDispatch(t.core, createHandlers(t.core));
  const journal = t.core.journal;
  const run = journal.run.bind(journal);
  const diskFull = () => {
    throw new DaemonError('DISK_FULL', 'the disk holding the store is full: nothing was changed');
  };

  const allowed = dispatch(terminal(20), 'secrets.add', { name: 'unrecorded', value: 'v' });
  const [first] = t.core.adminConfirmations.list();
  journal.run = diskFull as typeof journal.run;
  await dispatch({ transport: 'ipc' }, 'confirmations.decide', { confirmation_id: first!.confirmation_id, allow: true }).catch(() => {});
  journal.run = run;
  assert.equal(await codeOf(allowed), 'DISK_FULL');
  assert.equal(t.core.secrets.exists('unrecorded'), false, 'an allow that is not on record does not run');

  const unanswered = dispatch(terminal(21), 'secrets.remove', { name: 'unrecorded' });
  journal.run = diskFull as typeof journal.run;
  t.clock.advance(30_001);
  journal.run = run;
  assert.equal(await codeOf(unanswered), 'DISK_FULL', 'refused, from the timer, without an uncaught exception');
  assert.deepEqual(t.core.adminConfirmations.list(), []);
});
