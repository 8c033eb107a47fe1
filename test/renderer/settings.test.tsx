import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { Settings, type SettingsPatch } from '../../shared/settings.js';
import { SettingsView } from '../../renderer/views/SettingsView.js';
import { createFakeBridge, fakeStatus, iso } from './fake-bridge.js';
import { renderWithStore } from './render-view.js';

const PATH = '/home/person/.agent-secrets/config.json';
const groupNamed = (name: string) => screen.getByRole('form', { name });
const answer = (config: SettingsPatch, restart_needed: string[] = []) => ({ config: Settings.parse(config), path: PATH, restart_needed });

/** Replaces what a text field holds. */
async function retype(label: string, text: string) {
  const field = screen.getByLabelText(label);
  await userEvent.clear(field);
  if (text !== '') await userEvent.type(field, text);
}

describe('the Settings tab', () => {
  test('loading: says it is loading the settings', () => {
    const fake = createFakeBridge();
    fake.hang('config.get');
    renderWithStore(fake, <SettingsView />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading settings…');
  });

  test('error: where the form would be, with its hint; Retry asks again', async () => {
    const fake = createFakeBridge();
    fake.fail('config.get', 'INVALID_CONFIG', 'config.json: heartbeat.url: an enabled heartbeat needs an http:// or https:// URL', 'fix config.json or delete the field to use its default');
    renderWithStore(fake, <SettingsView />);
    expect(await screen.findByRole('alert')).toHaveTextContent('config.json: heartbeat.url: an enabled heartbeat needs an http:// or https:// URL — fix config.json or delete the field to use its default');
    fake.on('config.get', () => answer({}));
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByLabelText('Default lease time')).toHaveValue('1h');
    expect(fake.callsOf('config.get')).toEqual([{}, {}]);
  });

  test('a fresh store (nothing set): every field shows its default, in labelled groups, and nothing to save', async () => {
    const fake = createFakeBridge();
    renderWithStore(fake, <SettingsView />);
    expect(await screen.findByLabelText('Default lease time')).toHaveValue('1h');
    expect(screen.getByText(PATH)).toBeInTheDocument();
    expect(screen.getByLabelText('Longest lease time')).toHaveValue('24h');
    expect(screen.getByLabelText('Deny a request nobody answers after')).toHaveValue('120s');
    expect(screen.getByLabelText('New clients')).toHaveValue('prompt');
    expect(screen.getByLabelText('Engage the killswitch when the heartbeat URL stays down')).not.toBeChecked();
    expect(screen.getByLabelText('Revoke every lease')).toBeChecked();
    expect(screen.getByLabelText('Wipe every secret value (cannot be undone)')).not.toBeChecked();
    expect(screen.getByLabelText('Failed checks in a row before it triggers')).toHaveValue(3);
    expect(screen.getByLabelText('Global killswitch shortcut')).toHaveValue('');
    expect(screen.getByRole('group', { name: 'When the heartbeat triggers the killswitch' })).toBeInTheDocument();
    for (const name of ['Save Leases', 'Save Approvals', 'Save Heartbeat (dead-man switch)', 'Save Killswitch and rotation']) {
      expect(screen.getByRole('button', { name })).toBeDisabled();
    }
    expect(screen.queryByText('applies after restart')).toBeNull();
  });

  test('populated: the values config.json holds, and what waits for a restart is marked', async () => {
    const fake = createFakeBridge();
    fake.on('config.get', () => answer({ default_lease_ttl: '10m', heartbeat: { enabled: true, url: 'https://hb.example/ping', interval: '30s' }, killswitch_shortcut: 'Control+Alt+K' }, ['heartbeat.enabled', 'heartbeat.url']));
    renderWithStore(fake, <SettingsView />);
    expect(await screen.findByLabelText('Default lease time')).toHaveValue('10m');
    expect(screen.getByLabelText('Heartbeat URL')).toHaveValue('https://hb.example/ping');
    expect(screen.getByLabelText('Check every')).toHaveValue('30s');
    expect(screen.getByLabelText('Global killswitch shortcut')).toHaveValue('Control+Alt+K');
    expect(screen.getByLabelText('Heartbeat URL')).toHaveAccessibleDescription(/applies after restart/);
    expect(screen.getByLabelText('Engage the killswitch when the heartbeat URL stays down')).toHaveAccessibleDescription('applies after restart');
    expect(screen.getByLabelText('Check every')).not.toHaveAccessibleDescription(/restart/);
  });

  test('locked: with the killswitch engaged it says so, and the settings stay editable', async () => {
    const fake = createFakeBridge({ status: fakeStatus({ locked: true, killswitch: { engaged: true, changed_at: iso(0), reason: 'leak' } }) });
    renderWithStore(fake, <SettingsView />);
    expect(await screen.findByRole('note')).toHaveTextContent('The killswitch is engaged: every lease is refused until it is disengaged.');
    expect(await screen.findByLabelText('Default lease time')).toBeEnabled();
  });

  test('agents under their own OS user: how to set them up, that the socket serves, or why it does not', async () => {
    const region = async () => within(await screen.findByRole('group', { name: 'Agents under their own OS user' }));
    const none = renderWithStore(createFakeBridge(), <SettingsView />);
    expect((await region()).getByText('sudo secrets agent-user add claude-agent')).toBeInTheDocument();
    none.unmount();

    const path = '/run/agent-secrets/person/agents.sock';
    const serving = renderWithStore(createFakeBridge({ status: fakeStatus({ agent_socket: { path, serving: true, problem: null } }) }), <SettingsView />);
    expect((await region()).getByRole('status')).toHaveTextContent(`Serving agents of other users on ${path}.`);
    serving.unmount();

    const problem = 'there is no group agent-secrets and agents.uids is empty, so no agent could connect; run: sudo secrets agent-user add NAME';
    renderWithStore(createFakeBridge({ status: fakeStatus({ agent_socket: { path, serving: false, problem } }) }), <SettingsView />);
    expect((await region()).getByRole('alert')).toHaveTextContent(`The agent socket ${path} is not serving: ${problem}`);
  });

  test('save: only the changed fields of that group, then "in effect", and the status is read again', async () => {
    const fake = createFakeBridge();
    renderWithStore(fake, <SettingsView />);
    await screen.findByLabelText('Default lease time');
    await retype('Default lease time', '30m');
    await retype('Check every', '5m'); // another group's edit: not sent with this one
    const statusReads = fake.callsOf('status').length;
    await userEvent.click(screen.getByRole('button', { name: 'Save Leases' }));
    expect(fake.callsOf('config.set')).toEqual([{ default_lease_ttl: '30m' }]);
    expect(await within(groupNamed('Leases')).findByRole('status')).toHaveTextContent('Saved and in effect.');
    expect(screen.getByRole('button', { name: 'Save Leases' })).toBeDisabled();
    expect(screen.getByLabelText('Check every')).toHaveValue('5m');
    await waitFor(() => expect(fake.callsOf('status').length).toBe(statusReads + 1));
  });

  test('save: nested settings are sent nested (heartbeat and its fail actions); restart-bound ones are marked after', async () => {
    const fake = createFakeBridge();
    fake.on('config.set', (change) => ({ config: Settings.parse(change), path: PATH, changed: ['heartbeat.enabled', 'heartbeat.fail_action.wipe_store', 'heartbeat.url'], restart_needed: ['heartbeat.enabled', 'heartbeat.fail_action.wipe_store', 'heartbeat.url'] }));
    renderWithStore(fake, <SettingsView />);
    await userEvent.click(await screen.findByLabelText('Engage the killswitch when the heartbeat URL stays down'));
    await retype('Heartbeat URL', 'https://hb.example/ping');
    await userEvent.click(screen.getByLabelText('Wipe every secret value (cannot be undone)'));
    await userEvent.click(screen.getByRole('button', { name: 'Save Heartbeat (dead-man switch)' }));
    expect(fake.callsOf('config.set')).toEqual([{ heartbeat: { enabled: true, url: 'https://hb.example/ping', fail_action: { wipe_store: true } } }]);
    expect(await within(groupNamed('Heartbeat (dead-man switch)')).findByRole('status')).toHaveTextContent('Saved. Marked settings apply after the app restarts.');
    expect(screen.getByLabelText('Heartbeat URL')).toHaveAccessibleDescription(/applies after restart/);
    expect(screen.getByLabelText('Check every')).not.toHaveAccessibleDescription(/restart/);
  });

  test('save: the daemon\'s refusal shows under that group and marks the field it names', async () => {
    const fake = createFakeBridge();
    fake.fail('config.set', 'INVALID_CONFIG', 'config.json: default_lease_ttl: must not exceed max_lease_ttl', 'fix config.json or delete the field to use its default');
    renderWithStore(fake, <SettingsView />);
    await screen.findByLabelText('Default lease time');
    await retype('Default lease time', '48h');
    await userEvent.click(screen.getByRole('button', { name: 'Save Leases' }));
    expect(fake.callsOf('config.set')).toEqual([{ default_lease_ttl: '48h' }]);
    const alert = await within(groupNamed('Leases')).findByRole('alert');
    expect(alert).toHaveTextContent('config.json: default_lease_ttl: must not exceed max_lease_ttl — fix config.json or delete the field to use its default');
    expect(screen.getByLabelText('Default lease time')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Default lease time')).toHaveAccessibleDescription(/must not exceed max_lease_ttl/);
    expect(screen.getByLabelText('Longest lease time')).not.toHaveAttribute('aria-invalid');
    expect(screen.getByLabelText('Default lease time')).toHaveValue('48h');
  });

  test('the approval policy and the shortcut: a select and a text field, sent as typed', async () => {
    const fake = createFakeBridge();
    renderWithStore(fake, <SettingsView />);
    await userEvent.selectOptions(await screen.findByLabelText('New clients'), 'preapproved');
    await retype('After a denial, refuse the same client without asking for', '5m');
    await userEvent.click(screen.getByRole('button', { name: 'Save Approvals' }));
    await retype('Global killswitch shortcut', 'Control+Shift+F12');
    await userEvent.click(screen.getByRole('button', { name: 'Save Killswitch and rotation' }));
    expect(fake.callsOf('config.set')).toEqual([{ approvals: { policy: 'preapproved', deny_cooldown: '5m' } }, { killswitch_shortcut: 'Control+Shift+F12' }]);
  });

  test('start at login: a checkbox showing what the app reports now; changed at once, showing the answer', async () => {
    const fake = createFakeBridge();
    fake.on('app.startAtLogin', () => ({ enabled: true }));
    fake.on('app.setStartAtLogin', (p) => ({ enabled: p.enabled }));
    renderWithStore(fake, <SettingsView />);
    const box = screen.getByRole('checkbox', { name: 'Start Agent Secrets when I log in' });
    // Until the app answers, the box is no fact: disabled, saying it is checking.
    expect(box).toBeDisabled();
    expect(box).toHaveAccessibleDescription('Checking…');
    await waitFor(() => expect(box).toBeChecked());
    expect(box).toBeEnabled();
    expect(box).toHaveAccessibleDescription('On: it starts in the tray when you log in.');
    await userEvent.click(box);
    await waitFor(() => expect(box).not.toBeChecked());
    expect(box).toHaveAccessibleDescription('Off: start it yourself after logging in.');
    await userEvent.click(box);
    await waitFor(() => expect(box).toBeChecked());
    expect(fake.callsOf('app.startAtLogin')).toEqual([{}]);
    expect(fake.callsOf('app.setStartAtLogin')).toEqual([{ enabled: false }, { enabled: true }]);
  });

  test('start at login: the box shows what the app did, not what was clicked', async () => {
    const fake = createFakeBridge();
    // Off, and turning it on does not take (the app answers with what is true afterwards).
    fake.on('app.setStartAtLogin', () => ({ enabled: false }));
    renderWithStore(fake, <SettingsView />);
    const box = screen.getByRole('checkbox', { name: 'Start Agent Secrets when I log in' });
    await waitFor(() => expect(box).toBeEnabled());
    expect(box).not.toBeChecked();
    await userEvent.click(box);
    await waitFor(() => expect(fake.callsOf('app.setStartAtLogin')).toEqual([{ enabled: true }]));
    await waitFor(() => expect(box).toBeEnabled());
    expect(box).not.toBeChecked();
  });

  test('start at login: when the app cannot say, the box stays disabled and the error offers Retry', async () => {
    const fake = createFakeBridge();
    fake.fail('app.startAtLogin', 'INTERNAL', 'internal error', 'see the app log');
    renderWithStore(fake, <SettingsView />);
    const box = screen.getByRole('checkbox', { name: 'Start Agent Secrets when I log in' });
    const settingOf = () => box.closest('.setting') as HTMLElement;
    expect(await within(settingOf()).findByRole('alert')).toHaveTextContent('internal error — see the app log');
    expect(box).toBeDisabled();
    fake.on('app.startAtLogin', () => ({ enabled: true }));
    await userEvent.click(within(settingOf()).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(box).toBeChecked());
    expect(box).toBeEnabled();
  });

  test('the killswitch: says what the button, tray and shortcut do, beside what the heartbeat adds', async () => {
    const fake = createFakeBridge();
    renderWithStore(fake, <SettingsView />);
    await screen.findByLabelText('Default lease time');
    const killswitch = within(groupNamed('Killswitch and rotation')).getByRole('group', { name: 'Killswitch and rotation' });
    const said = killswitch.getAttribute('aria-describedby') === null ? '' : document.getElementById(killswitch.getAttribute('aria-describedby')!)!.textContent!;
    for (const what of ['KILLSWITCH button', "tray menu's Killswitch", 'shortcut', 'revokes every lease', 'stops every process started through secrets exec', 'deletes the .env files', 'locks', 'never run rotation hooks or wipe values']) {
      expect(said).toContain(what);
    }
    const onTrigger = screen.getByRole('group', { name: 'When the heartbeat triggers the killswitch' });
    expect(onTrigger).toHaveAccessibleDescription(/^It always stops every process started through secrets exec, deletes the .env files the daemon wrote, denies waiting requests and locks.*Also:$/);
    for (const action of ['Revoke every lease', 'Run every rotation hook', 'Wipe every secret value (cannot be undone)']) expect(within(onTrigger).getByRole('checkbox', { name: action })).toBeInTheDocument();
  });

  test('install the command-line tool: shows where it went, or what to do', async () => {
    const fake = createFakeBridge();
    fake.on('app.installCli', () => ({ installed: true, path: '/home/person/.local/bin/secrets', hint: 'add ~/.local/bin to PATH' }));
    renderWithStore(fake, <SettingsView />);
    await userEvent.click(screen.getByRole('button', { name: 'Install the command-line tool' }));
    expect(fake.callsOf('app.installCli')).toEqual([{}]);
    expect(await screen.findByText('/home/person/.local/bin/secrets')).toBeInTheDocument();
    expect(screen.getByText('add ~/.local/bin to PATH')).toBeInTheDocument();

    fake.on('app.installCli', () => ({ installed: false, path: null, hint: 'install Node 20 or later' }));
    await userEvent.click(screen.getByRole('button', { name: 'Install the command-line tool' }));
    expect(await screen.findByText('Not installed.')).toBeInTheDocument();
    expect(screen.getByText('install Node 20 or later')).toBeInTheDocument();
  });

  test('the app methods\' errors show next to their buttons with the hint', async () => {
    const fake = createFakeBridge();
    fake.fail('app.setStartAtLogin', 'INTERNAL', 'login items are not supported here', 'add the app to your session\'s autostart yourself');
    fake.fail('app.installCli', 'UNSAFE_PERMISSIONS', '/usr/local/bin is not writable', 'run the app as your user');
    renderWithStore(fake, <SettingsView />);
    const box = screen.getByRole('checkbox', { name: 'Start Agent Secrets when I log in' });
    await waitFor(() => expect(box).toBeEnabled());
    await userEvent.click(box);
    await userEvent.click(screen.getByRole('button', { name: 'Install the command-line tool' }));
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map((a) => a.textContent)).toEqual([
      "login items are not supported here — add the app to your session's autostart yourself",
      '/usr/local/bin is not writable — run the app as your user',
    ]);
  });
});
