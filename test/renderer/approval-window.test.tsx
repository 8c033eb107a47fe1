import { act, fireEvent, getDefaultNormalizer, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ApprovalWindow } from '../../renderer/views/ApprovalWindow.js';
import { createFakeBridge, type FakeBridge, fakeConfirmation, fakeRequest as baseRequest } from './fake-bridge.js';

// The focus delay is driven by hand with fake timers. They also move with real time, so Testing
// Library's own waits still run; a test that must see the Allow controls still disabled opens the
// window unfocused (no timer runs until a focus event). Dates are real: the shared clock reads Date.now.
const FAKE = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] as const;
beforeEach(() => void vi.useFakeTimers({ toFake: [...FAKE], shouldAdvanceTime: true }));
afterEach(() => void vi.useRealTimers());

/** A request that expires two minutes from now (the countdown runs on real time). */
const fakeRequest = (overrides: Parameters<typeof baseRequest>[0] = {}) => baseRequest({ expires_at: new Date(Date.now() + 120_000).toISOString(), ...overrides });

const flush = () => act(() => vi.advanceTimersByTimeAsync(0));
const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
const user = () => userEvent.setup({ delay: null });

/** Renders the window for `promptId` with the window already focused (or not), answers flushed. */
async function open(fake: FakeBridge, promptId: string, { focused = true } = {}) {
  vi.spyOn(document, 'hasFocus').mockReturnValue(focused);
  render(<ApprovalWindow bridge={fake.bridge} promptId={promptId} />);
  await flush();
}

/** Opens a lease prompt and waits out the focus delay, so the Allow controls act. */
async function openArmed(fake: FakeBridge, promptId = 'R-abcd1234') {
  await open(fake, promptId);
  await advance(1000);
}

const allowButton = () => screen.getByRole('button', { name: 'Allow once' });
/** The fold holding the standing-grant choices (how long, which secrets, the longest lease). */
const standingToggle = () => screen.getByRole('button', { name: 'Allow for a while…' });

describe('the approval window: states', () => {
  test('loading: says so until the daemon answers', async () => {
    const fake = createFakeBridge();
    fake.hang('requests.list');
    await open(fake, 'R-abcd1234');
    expect(screen.getByRole('status')).toHaveTextContent('Loading the request…');
  });

  test('error: the message and hint in the window; Retry asks again', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    fake.fail('requests.list', 'DAEMON_NOT_RUNNING', 'the daemon is not running', 'open the dashboard to start it');
    await open(fake, 'R-abcd1234');
    expect(screen.getByRole('alert')).toHaveTextContent('the daemon is not running — open the dashboard to start it');
    fake.on('requests.list', () => ({ requests: fake.data.requests }));
    await user().click(screen.getByRole('button', { name: 'Retry' }));
    await flush();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('claude-code wants github_token');
    expect(fake.callsOf('requests.list')).toEqual([{}, {}]);
  });

  test('not found: the request timed out or was answered before the window loaded', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest({ request_id: 'R-other000' })] });
    await open(fake, 'R-abcd1234');
    expect(screen.getByRole('heading', { name: 'This request is no longer waiting' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Deny' })).toBeNull();
  });

  test('an id that is neither a request nor a confirmation is not found, without asking the daemon', async () => {
    const fake = createFakeBridge();
    await open(fake, 'garbage');
    expect(screen.getByRole('heading', { name: 'This request is no longer waiting' })).toBeInTheDocument();
    expect(fake.calls).toEqual([]);
  });

  test('populated: who asks, verified apart from claimed; why, what, and the countdown to the automatic deny', async () => {
    const request = fakeRequest({ secret_names: ['github_token', 'npm_token'], env_file: '/home/person/project/.env', reason: 'a new client', ttl: '15m' });
    const fake = createFakeBridge({ requests: [request] });
    await open(fake, 'R-abcd1234');

    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('claude-code wants github_token, npm_token');
    expect(document.title).toBe('claude-code wants github_token, npm_token');
    const verified = screen.getByRole('region', { name: 'Verified by the daemon' });
    expect(within(verified).getAllByRole('definition')[0]).toHaveTextContent('person (uid 1000)');
    for (const fact of ['/usr/bin/node /usr/local/bin/claude', '/usr/bin/node', '31337', '/home/person/project']) {
      expect(within(verified).getAllByText(fact).length).toBeGreaterThan(0);
    }
    expect(within(within(verified).getByRole('list', { name: /parent processes/i })).getByRole('listitem')).toHaveTextContent('31000 /usr/bin/bash (bash)');
    // The client's own word is kept out of the verified box.
    expect(within(verified).queryByText('claude-code')).toBeNull();
    const claimed = screen.getByRole('region', { name: 'Claimed by the client (not verified)' });
    expect(within(claimed).getByText('claude-code')).toBeInTheDocument();
    expect(within(claimed).getByText('31337')).toBeInTheDocument();

    expect(screen.getByText('a new client')).toBeInTheDocument();
    expect(screen.getByText('15m')).toBeInTheDocument();
    expect(screen.getByText('/home/person/project/.env')).toBeInTheDocument();
    expect(screen.getByText(/denied automatically in/i)).toHaveTextContent(/^Denied automatically in (2m 00s|1m 5\ds)$/);
  });

  test("an agent of another user: its user is the first fact, and what the daemon could not read is said", async () => {
    const limited = 'runs as another user: its user and pid are verified by the kernel, but not its executable';
    const verified = { uid: 1002, user: 'agent-bot', limited, pid: 4242, exe: null, cwd: null, argv: ['claude'], parents: [], launcher: 'user agent-bot (uid 1002): claude' };
    const fake = createFakeBridge({ requests: [fakeRequest({ verified })] });
    await open(fake, 'R-abcd1234');
    const box = screen.getByRole('region', { name: 'Verified by the daemon' });
    expect(within(box).getAllByRole('term')[0]).toHaveTextContent('User');
    expect(within(box).getAllByRole('definition')[0]).toHaveTextContent('agent-bot (uid 1002)');
    expect(within(box).getByText(/Another user’s process: runs as another user/)).toBeInTheDocument();
    expect(within(box).getAllByText('not readable (another user)')).toHaveLength(2);
    expect(within(box).getByText('user agent-bot (uid 1002): claude')).toBeInTheDocument();
  });

  test('a caller the daemon could not verify is said to be unverified', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest({ verified: null, reported_pid: null })] });
    await open(fake, 'R-abcd1234');
    expect(within(screen.getByRole('region', { name: 'Verified by the daemon' })).getByText(/could not verify the caller/i)).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: /claimed by the client/i })).getByText('not reported')).toBeInTheDocument();
  });

  test('decided elsewhere: the dashboard or a terminal answered; the controls go', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    await open(fake, 'R-abcd1234');
    await act(() => fake.emit('approval.decided', { request: fakeRequest({ request_id: 'R-other000' }) }));
    expect(screen.getByRole('button', { name: 'Deny' })).toBeInTheDocument();
    await act(() => fake.emit('approval.decided', { request: fakeRequest() }));
    expect(screen.getByRole('status')).toHaveTextContent(/^Decided elsewhere/);
    expect(screen.queryByRole('button', { name: 'Deny' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^allow/i })).toBeNull();
  });

  test('locked: engaging the killswitch denies the request, and the window says so', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    await open(fake, 'R-abcd1234');
    await act(() => fake.emit('killswitch.engaged', { reason: 'tray menu' }));
    expect(screen.getByRole('status')).toHaveTextContent(/^Denied: the killswitch was engaged/);
    expect(screen.queryByRole('button', { name: 'Deny' })).toBeNull();
    await user().keyboard('{Enter}');
    expect(fake.callsOf('requests.deny')).toEqual([]);
  });

  test('our own decision coming back as an event is not "decided elsewhere"', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    fake.on('requests.deny', () => (fake.emit('approval.decided', { request: fakeRequest() }), { request: fakeRequest() }));
    await open(fake, 'R-abcd1234');
    await user().click(screen.getByRole('button', { name: 'Deny' }));
    await flush();
    expect(screen.getByRole('status')).toHaveTextContent(/^Denied/);
  });
});

describe('the approval window: deny is the default', () => {
  test('Deny has the focus, and Enter denies', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    fake.on('requests.deny', () => ({ request: fakeRequest() }));
    await openArmed(fake);
    expect(screen.getByRole('button', { name: 'Deny' })).toHaveFocus();
    await user().keyboard('{Enter}');
    await flush();
    expect(fake.callsOf('requests.deny')).toEqual([{ request_id: 'R-abcd1234' }]);
    expect(fake.callsOf('requests.approve')).toEqual([]);
    expect(screen.getByRole('status')).toHaveTextContent(/^Denied/);
  });

  test('Enter with the focus nowhere denies', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    fake.on('requests.deny', () => ({ request: fakeRequest() }));
    await openArmed(fake);
    screen.getByRole('button', { name: 'Deny' }).blur();
    await user().keyboard('{Enter}');
    await flush();
    expect(fake.callsOf('requests.deny')).toEqual([{ request_id: 'R-abcd1234' }]);
  });

  test('Escape denies even with the focus on the enabled Allow button', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    fake.on('requests.deny', () => ({ request: fakeRequest() }));
    await openArmed(fake);
    allowButton().focus();
    await user().keyboard('{Escape}');
    await flush();
    expect(fake.callsOf('requests.deny')).toEqual([{ request_id: 'R-abcd1234' }]);
    expect(fake.callsOf('requests.approve')).toEqual([]);
  });

  test('Enter on the enabled Allow button allows (native activation), and only that', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    fake.on('requests.approve', () => ({ request: fakeRequest(), grant: null }));
    await openArmed(fake);
    allowButton().focus();
    await user().keyboard('{Enter}');
    await flush();
    expect(fake.callsOf('requests.approve')).toEqual([{ request_id: 'R-abcd1234' }]);
    expect(fake.callsOf('requests.deny')).toEqual([]);
    expect(screen.getByRole('status')).toHaveTextContent(/^Allowed once/);
  });

  test('Enter on an enabled duration choice neither denies nor allows', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    await openArmed(fake);
    await user().click(standingToggle());
    screen.getByRole('radio', { name: '1 h' }).focus();
    await user().keyboard('{Enter}');
    await flush();
    expect(fake.calls.map((c) => c.method)).toEqual(['requests.list']);
  });

  test('the denying keystroke is consumed, so it cannot also activate what has focus; Enter on Allow is left to the browser', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    fake.hang('requests.deny');
    await openArmed(fake);
    // fireEvent returns false when a listener called preventDefault().
    expect(fireEvent.keyDown(allowButton(), { key: 'Enter' })).toBe(true);
    expect(fake.callsOf('requests.deny')).toEqual([]);
    expect(fireEvent.keyDown(screen.getByRole('button', { name: 'Deny' }), { key: 'Enter' })).toBe(false);
    expect(fake.callsOf('requests.deny')).toEqual([{ request_id: 'R-abcd1234' }]);
  });

  test('a failed decision is shown in the window with its hint', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    fake.fail('requests.deny', 'REQUEST_NOT_FOUND', 'request R-abcd1234 is no longer pending', 'it timed out or was decided elsewhere');
    await openArmed(fake);
    await user().keyboard('{Escape}');
    await flush();
    expect(screen.getByRole('alert')).toHaveTextContent('request R-abcd1234 is no longer pending — it timed out or was decided elsewhere');
  });
});

describe('the approval window: Allow waits for one second of focus', () => {
  // Exact to the millisecond: time moves only when the test says so.
  beforeEach(() => void vi.useFakeTimers({ toFake: [...FAKE], shouldAdvanceTime: false }));

  test('disabled until the window has had the focus for one continuous second', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    await open(fake, 'R-abcd1234', { focused: false });
    expect(allowButton()).toBeDisabled();
    expect(standingToggle()).toBeDisabled();
    expect(screen.getByText(/allow unlocks after a second in focus/i)).toBeInTheDocument();
    await advance(5000);
    expect(allowButton()).toBeDisabled();

    await act(() => void window.dispatchEvent(new FocusEvent('focus')));
    await advance(999);
    expect(allowButton()).toBeDisabled();
    expect(standingToggle()).toBeDisabled();
    await advance(1);
    expect(allowButton()).toBeEnabled();
    expect(standingToggle()).toBeEnabled();
    expect(screen.queryByText(/allow unlocks/i)).toBeNull();
  });

  test('a blur disables them at once, and the next focus starts the second again', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    await openArmed(fake);
    expect(allowButton()).toBeEnabled();
    await act(() => void standingToggle().click());
    await act(() => void window.dispatchEvent(new FocusEvent('blur')));
    expect(allowButton()).toBeDisabled();
    // Opened before the blur, the standing-grant choices stay in view but cannot act either.
    for (const control of [screen.getByRole('radio', { name: 'Until revoked' }), screen.getByRole('radio', { name: 'All secrets' }), screen.getByRole('button', { name: 'Allow for 10 min' })]) {
      expect(control).toBeDisabled();
    }
    await act(() => void window.dispatchEvent(new FocusEvent('focus')));
    await advance(600);
    await act(() => void window.dispatchEvent(new FocusEvent('blur')));
    await act(() => void window.dispatchEvent(new FocusEvent('focus')));
    await advance(600);
    expect(allowButton()).toBeDisabled();
    await advance(400);
    expect(allowButton()).toBeEnabled();
  });
});

describe('the approval window: what Allow sends', () => {
  test('Allow once: beside Deny, sends the request id alone', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    fake.on('requests.approve', () => ({ request: fakeRequest(), grant: null }));
    await openArmed(fake);
    await user().click(allowButton());
    await flush();
    expect(fake.callsOf('requests.approve')).toEqual([{ request_id: 'R-abcd1234' }]);
    expect(screen.getByRole('status')).toHaveTextContent(/^Allowed once/);
  });

  test.each([
    { duration: '10 min', scope: null, maxTtl: '', allow: 'Allow for 10 min', params: { request_id: 'R-abcd1234', for: '10m', scope: 'secret' }, outcome: 'Allowed for 10 min' },
    { duration: '1 h', scope: 'All secrets', maxTtl: '', allow: 'Allow for 1 h', params: { request_id: 'R-abcd1234', for: '1h', scope: 'all' }, outcome: 'Allowed for 1 h' },
    { duration: '8 h', scope: 'Only this secret', maxTtl: '30m', allow: 'Allow for 8 h', params: { request_id: 'R-abcd1234', for: '8h', scope: 'secret', max_ttl: '30m' }, outcome: 'Allowed for 8 h' },
    { duration: 'Until revoked', scope: 'All secrets', maxTtl: ' 2h ', allow: 'Allow until revoked', params: { request_id: 'R-abcd1234', for: 'forever', scope: 'all', max_ttl: '2h' }, outcome: 'Allowed until revoked' },
  ])('for a while: $duration, $scope, max TTL "$maxTtl"', async ({ duration, scope, maxTtl, allow, params, outcome }) => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    fake.on('requests.approve', () => ({ request: fakeRequest(), grant: null }));
    await openArmed(fake);
    const u = user();
    await u.click(standingToggle());
    await u.click(screen.getByRole('radio', { name: duration }));
    if (scope !== null) await u.click(screen.getByRole('radio', { name: scope }));
    if (maxTtl !== '') await u.type(screen.getByRole('textbox', { name: 'Longest lease (optional)' }), maxTtl);
    await u.click(screen.getByRole('button', { name: allow }));
    await flush();
    expect(fake.callsOf('requests.approve')).toEqual([params]);
    expect(screen.getByRole('status')).toHaveTextContent(new RegExp(`^${outcome}`));
  });

  test('the standing-grant choices fold away, open from the keyboard, and start at the narrowest grant', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    await openArmed(fake);
    expect(standingToggle()).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('radio')).toBeNull();
    const u = user();
    await u.tab();
    await u.tab();
    expect(standingToggle()).toHaveFocus();
    // Enter on an enabled Allow control is the browser's: it opens the fold and decides nothing.
    await u.keyboard('{Enter}');
    await flush();
    expect(standingToggle()).toHaveAttribute('aria-expanded', 'true');
    expect(fake.calls.map((c) => c.method)).toEqual(['requests.list']);
    expect(screen.getByRole('group', { name: 'For' })).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: '10 min' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Only this secret' })).toBeChecked();
    expect(screen.getByRole('textbox', { name: 'Longest lease (optional)' })).toHaveValue('');
    await u.click(screen.getByRole('radio', { name: '1 h' }));
    expect(screen.getByRole('button', { name: 'Allow for 1 h' })).toBeEnabled();
    // Folded and opened again, the choice made is still there.
    await u.click(standingToggle());
    expect(screen.queryByRole('radio')).toBeNull();
    await u.click(standingToggle());
    expect(screen.getByRole('radio', { name: '1 h' })).toBeChecked();
  });
});

describe('the approval window: an admin command from a terminal', () => {
  const confirmation = fakeConfirmation({ command: 'secrets remove github_token --force  # exact, with "quotes"', expires_at: new Date(Date.now() + 90_000).toISOString() });

  test('shows the exact command, whole, and the verified caller', async () => {
    const fake = createFakeBridge({ confirmations: [confirmation] });
    await open(fake, 'C-wxyz5678');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('A terminal wants to run secrets.remove');
    const exact = getDefaultNormalizer({ trim: false, collapseWhitespace: false });
    expect(screen.getByText(confirmation.command, { selector: 'code', normalizer: exact })).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: 'Verified by the daemon' })).getAllByRole('definition')[0]).toHaveTextContent('person (uid 1000)');
    expect(screen.getByText(/denied automatically in/i)).toHaveTextContent(/(1m 30s|1m 2\ds)$/);
    expect(fake.callsOf('requests.list')).toEqual([]);
  });

  test('Allow (after the focus delay) decides with allow: true', async () => {
    const fake = createFakeBridge({ confirmations: [confirmation] });
    fake.on('confirmations.decide', ({ allow }) => ({ confirmation, allowed: allow }));
    await open(fake, 'C-wxyz5678', { focused: false });
    expect(screen.getByRole('button', { name: 'Allow this command' })).toBeDisabled();
    await act(() => void window.dispatchEvent(new FocusEvent('focus')));
    await advance(1000);
    await user().click(screen.getByRole('button', { name: 'Allow this command' }));
    await flush();
    expect(fake.callsOf('confirmations.decide')).toEqual([{ confirmation_id: 'C-wxyz5678', allow: true }]);
    expect(screen.getByRole('status')).toHaveTextContent(/^Allowed/);
  });

  test.each(['{Enter}', '{Escape}'])('%s decides with allow: false', async (key) => {
    const fake = createFakeBridge({ confirmations: [confirmation] });
    fake.on('confirmations.decide', ({ allow }) => ({ confirmation, allowed: allow }));
    await open(fake, 'C-wxyz5678');
    await user().keyboard(key);
    await flush();
    expect(fake.callsOf('confirmations.decide')).toEqual([{ confirmation_id: 'C-wxyz5678', allow: false }]);
    expect(screen.getByRole('status')).toHaveTextContent(/^Denied/);
  });

  test('the killswitch does not settle a terminal command; its own decision event does', async () => {
    const fake = createFakeBridge({ confirmations: [confirmation] });
    await open(fake, 'C-wxyz5678');
    await act(() => fake.emit('killswitch.engaged', { reason: 'tray menu' }));
    expect(screen.getByRole('button', { name: 'Deny' })).toBeInTheDocument();
    await act(() => fake.emit('confirmation.decided', { confirmation }));
    expect(screen.getByRole('status')).toHaveTextContent(/^Decided elsewhere/);
  });

  test('not found: the command is no longer waiting', async () => {
    const fake = createFakeBridge({ confirmations: [] });
    await open(fake, 'C-wxyz5678');
    expect(screen.getByRole('heading', { name: 'This request is no longer waiting' })).toBeInTheDocument();
  });
});
