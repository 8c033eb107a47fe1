import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { Header } from '../../renderer/views/Header.js';
import { Settings } from '../../shared/settings.js';
import { createFakeBridge, fakeStatus, iso } from './fake-bridge.js';
import { renderWithStore } from './render-view.js';

const REPORT = { rotations_started: 0, revoked_leases: 3, denied_requests: 0, terminated_process_groups: 1, deleted_env_files: 0, wiped_secrets: 0 };
const engagedStatus = (reason = 'dashboard button') =>
  fakeStatus({
    killswitch: { engaged: true, changed_at: iso(0), reason },
    warnings: [`the killswitch is engaged (${reason}): every lease is refused until the store owner runs: secrets killswitch --disengage`],
  });

const pills = () => within(screen.getByRole('list', { name: 'State' })).getAllByRole('listitem').map((li) => li.textContent);
const killswitchButton = () => screen.getByRole('button', { name: /killswitch/i });

describe('the header', () => {
  test('loading: says so, and the killswitch works all the same', async () => {
    const fake = createFakeBridge();
    fake.hang('status');
    fake.on('killswitch.engage', () => REPORT);
    renderWithStore(fake, <Header />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading status…');
    await userEvent.click(killswitchButton());
    expect(fake.callsOf('killswitch.engage')).toEqual([{ reason: 'dashboard button' }]);
  });

  test('error: the status error with its hint; Retry asks again', async () => {
    const fake = createFakeBridge();
    fake.fail('status', 'DAEMON_NOT_RUNNING', 'the daemon is not running', 'restart the app');
    renderWithStore(fake, <Header />);
    expect(await screen.findByRole('alert')).toHaveTextContent('the daemon is not running — restart the app');
    fake.on('status', () => fake.data.status);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('list', { name: 'State' })).toBeInTheDocument();
    expect(fake.callsOf('status')).toHaveLength(2);
  });

  test('a healthy daemon: every state in words, the big red button ready', async () => {
    renderWithStore(createFakeBridge(), <Header />);
    await screen.findByRole('list', { name: 'State' });
    expect(pills()).toEqual(['Store unlocked', 'Passphrase', 'Killswitch off', 'Heartbeat off', 'No approvals pending']);
    expect(killswitchButton()).toHaveTextContent('KILLSWITCH');
    expect(screen.queryByText(/No agent can lease/)).toBeNull();
    expect(screen.queryByRole('list', { name: 'Warnings' })).toBeNull();
  });

  test('the heartbeat: ok, failing n in a row, triggered', async () => {
    const heartbeat = { enabled: true, url: 'https://hb.example', last_ok: iso(0), last_failure: null, consecutive_failures: 0, next_check: iso(60_000), triggered: false };
    const fake = createFakeBridge({ status: fakeStatus({ heartbeat }) });
    const { store } = renderWithStore(fake, <Header />);
    expect(await screen.findByText('Heartbeat ok')).toBeInTheDocument();
    expect(fake.callsOf('config.get')).toEqual([]);
    fake.data.status = fakeStatus({ heartbeat: { ...heartbeat, consecutive_failures: 2, last_failure: iso(1000) } });
    // config cannot be read: the count alone.
    fake.fail('config.get', 'ADMIN_LOCKED', 'too many wrong admin proofs');
    await store.reload('status');
    expect(await screen.findByText('Heartbeat failing (2 in a row)')).toBeInTheDocument();
    expect(fake.callsOf('config.get')).toEqual([{}]);
    fake.data.status = fakeStatus({ heartbeat: { ...heartbeat, consecutive_failures: 3, triggered: true } });
    await store.reload('status');
    expect(await screen.findByText('Heartbeat triggered')).toBeInTheDocument();
  });

  test("a failing heartbeat reads config's threshold: failing n of m", async () => {
    const heartbeat = { enabled: true, url: 'https://hb.example', last_ok: iso(0), last_failure: iso(1000), consecutive_failures: 2, next_check: iso(60_000), triggered: false };
    const fake = createFakeBridge({ status: fakeStatus({ heartbeat }) });
    fake.on('config.get', () => ({ config: Settings.parse({ heartbeat: { failures_before_trigger: 5 } }), path: '/home/person/.agent-secrets/config.json', restart_needed: [] }));
    renderWithStore(fake, <Header />);
    expect(await screen.findByText('Heartbeat failing (2 of 5)')).toBeInTheDocument();
    expect(fake.callsOf('config.get')).toEqual([{}]);
  });

  test('an insecure key file, pending approvals and warnings are shown', async () => {
    const warning = 'the identity is a plaintext key file (--insecure-keyfile): admin actions are open to any local process, so an agent can approve itself';
    const status = fakeStatus({ protection: 'insecure-keyfile', approvals: { policy: 'prompt', pending: 3, timeout: '120s' }, warnings: [warning] });
    renderWithStore(createFakeBridge({ status }), <Header />);
    await screen.findByRole('list', { name: 'State' });
    expect(pills()).toEqual(['Store unlocked', 'Insecure key file', 'Killswitch off', 'Heartbeat off', '3 approvals pending']);
    expect(within(screen.getByRole('list', { name: 'Warnings' })).getByRole('listitem')).toHaveTextContent(warning);
  });

  test('locked store: says so', async () => {
    renderWithStore(createFakeBridge({ status: fakeStatus({ locked: true }) }), <Header />);
    expect(await screen.findByText('Store locked')).toBeInTheDocument();
  });

  test('the killswitch engages on ONE click, no dialog, and shows the engaged state', async () => {
    const fake = createFakeBridge();
    fake.on('killswitch.engage', () => ((fake.data.status = engagedStatus()), REPORT));
    renderWithStore(fake, <Header />);
    await screen.findByRole('list', { name: 'State' });
    await userEvent.click(killswitchButton());
    expect(fake.callsOf('killswitch.engage')).toEqual([{ reason: 'dashboard button' }]);
    expect(screen.queryByRole('dialog')).toBeNull();
    const banner = await screen.findByText(/^Killswitch engaged .+ — dashboard button\. No agent can lease\.$/);
    expect(banner.closest('[role="alert"]')).not.toBeNull();
    expect(killswitchButton()).toHaveAccessibleName('Killswitch engaged');
    expect(killswitchButton()).toHaveTextContent(/^Engaged$/);
    expect(pills()).toContain('Killswitch engaged');
    // The banner says it already: the daemon's killswitch warning is not repeated.
    expect(screen.queryByRole('list', { name: 'Warnings' })).toBeNull();
  });

  test('engaged elsewhere (tray, CLI, heartbeat): the event brings the banner live', async () => {
    const fake = createFakeBridge();
    renderWithStore(fake, <Header />);
    await screen.findByText('Killswitch off');
    fake.data.status = engagedStatus('heartbeat: endpoint down');
    fake.emit('killswitch.engaged', { reason: 'heartbeat: endpoint down', ...REPORT });
    expect(await screen.findByText(/— heartbeat: endpoint down\. No agent can lease\./)).toBeInTheDocument();
  });

  test('an engage that fails says why next to the button', async () => {
    const fake = createFakeBridge();
    fake.fail('killswitch.engage', 'AUDIT_WRITE_FAILED', 'the audit log cannot be written', 'free some disk space');
    renderWithStore(fake, <Header />);
    await screen.findByRole('list', { name: 'State' });
    await userEvent.click(killswitchButton());
    expect(await screen.findByRole('alert')).toHaveTextContent('the audit log cannot be written — free some disk space');
  });

  test('disengaging takes a second, explicit step', async () => {
    const fake = createFakeBridge({ status: engagedStatus() });
    fake.on('killswitch.disengage', () => ((fake.data.status = fakeStatus()), { engaged: false }));
    renderWithStore(fake, <Header />);
    await userEvent.click(await screen.findByRole('button', { name: 'Disengage…' }));
    expect(fake.callsOf('killswitch.disengage')).toEqual([]);
    const question = screen.getByRole('group', { name: 'Disengage the killswitch? Agents can ask for secrets again.' });
    await userEvent.click(within(question).getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('killswitch.disengage')).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Disengage…' }));
    await userEvent.click(screen.getByRole('button', { name: 'Disengage' }));
    expect(fake.callsOf('killswitch.disengage')).toEqual([{}]);
    expect(await screen.findByText('Killswitch off')).toBeInTheDocument();
    expect(screen.queryByText(/No agent can lease/)).toBeNull();
    expect(killswitchButton()).toHaveTextContent('KILLSWITCH');
  });

  test('a disengage that fails says why in the banner', async () => {
    const fake = createFakeBridge({ status: engagedStatus() });
    fake.fail('killswitch.disengage', 'ADMIN_LOCKED', 'too many wrong admin proofs', 'wait a minute and try again');
    renderWithStore(fake, <Header />);
    await userEvent.click(await screen.findByRole('button', { name: 'Disengage…' }));
    await userEvent.click(screen.getByRole('button', { name: 'Disengage' }));
    const banner = screen.getByText(/No agent can lease/).closest('[role="alert"]') as HTMLElement;
    expect(await within(banner).findByRole('alert')).toHaveTextContent('too many wrong admin proofs — wait a minute and try again');
  });
});
