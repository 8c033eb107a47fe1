import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import type { AppState } from '../../shared/ui-service.js';
import { BridgeProvider } from '../../renderer/store/bridge.js';
import { FirstRunView } from '../../renderer/views/FirstRunView.js';
import { type FakeBridge, createFakeBridge } from './fake-bridge.js';

const NO_KEYRING = 'This computer offers no keychain the app can use, so the passphrase is asked at each start.';
const HEADLESS = 'A headless Agent Secrets daemon (secrets serve) is already running on this data directory.';
const PASSPHRASE = 'correct horse battery';

const state = (phase: AppState['phase'], more: Partial<AppState> = {}): AppState => ({ phase, store: phase === 'create-store' ? 'none' : 'passphrase', remember: { allowed: true }, offers: [], ...more });
const running = (more: Partial<AppState> = {}): AppState => state('running', { store: 'passphrase', ...more });

function show(fake: FakeBridge, initial: AppState) {
  const onState = vi.fn();
  const view = render(
    <BridgeProvider bridge={fake.bridge}>
      <FirstRunView state={initial} onState={onState} />
    </BridgeProvider>,
  );
  return { onState, view };
}

const field = (name: string) => screen.getByLabelText(name) as HTMLInputElement;

describe('first run: create the store', () => {
  test('two password fields, never echoed, Remember where allowed; Create sends them and goes on', async () => {
    const fake = createFakeBridge();
    fake.on('app.createStore', () => running());
    const { onState, view } = show(fake, state('create-store'));
    expect(screen.getByRole('heading', { name: 'Create your secret store' })).toBeInTheDocument();
    for (const name of ['Passphrase', 'Repeat passphrase']) {
      expect(field(name)).toHaveAttribute('type', 'password');
      expect(field(name)).toHaveAttribute('autocomplete', 'off');
    }
    expect(field('Passphrase')).toHaveFocus();
    await userEvent.type(field('Passphrase'), PASSPHRASE);
    await userEvent.type(field('Repeat passphrase'), PASSPHRASE);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Remember on this computer' }));
    expect(view.container.textContent).not.toContain(PASSPHRASE);
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(fake.callsOf('app.createStore')).toEqual([{ passphrase: PASSPHRASE, remember: true }]);
    expect(onState).toHaveBeenCalledWith(running());
    expect(field('Passphrase')).toHaveValue('');
    expect(field('Repeat passphrase')).toHaveValue('');
  });

  test('no keyring: no Remember box, the reason once, and remember: false', async () => {
    const fake = createFakeBridge();
    fake.on('app.createStore', () => running());
    show(fake, state('create-store', { remember: { allowed: false, why: NO_KEYRING }, note: NO_KEYRING }));
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.getAllByText(NO_KEYRING)).toHaveLength(1);
    await userEvent.type(field('Passphrase'), PASSPHRASE);
    await userEvent.type(field('Repeat passphrase'), `${PASSPHRASE}{Enter}`);
    expect(fake.callsOf('app.createStore')).toEqual([{ passphrase: PASSPHRASE, remember: false }]);
  });

  test('too short, or not the same twice: said under the field, nothing sent', async () => {
    const fake = createFakeBridge();
    const { onState } = show(fake, state('create-store'));
    await userEvent.type(field('Passphrase'), 'short');
    await userEvent.type(field('Repeat passphrase'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(field('Passphrase')).toHaveAccessibleDescription('A passphrase has at least 8 characters.');
    expect(field('Passphrase')).toHaveAttribute('aria-invalid', 'true');

    await userEvent.clear(field('Passphrase'));
    await userEvent.type(field('Passphrase'), PASSPHRASE);
    await userEvent.clear(field('Repeat passphrase'));
    await userEvent.type(field('Repeat passphrase'), `${PASSPHRASE}x`);
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(field('Repeat passphrase')).toHaveAccessibleDescription('The two passphrases differ. Type it again.');
    expect(field('Repeat passphrase')).toHaveValue('');
    expect(field('Repeat passphrase')).toHaveFocus();
    expect(fake.callsOf('app.createStore')).toEqual([]);
    expect(onState).not.toHaveBeenCalled();
  });

  test('the app refuses: its error with the hint under the button, fields cleared', async () => {
    const fake = createFakeBridge();
    fake.fail('app.createStore', 'STORE_EXISTS', 'a store already exists in ~/.agent-secrets', 'restart the app to unlock it');
    const { onState } = show(fake, state('create-store'));
    await userEvent.type(field('Passphrase'), PASSPHRASE);
    await userEvent.type(field('Repeat passphrase'), PASSPHRASE);
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('a store already exists in ~/.agent-secrets — restart the app to unlock it');
    expect(field('Passphrase')).toHaveValue('');
    expect(field('Repeat passphrase')).toHaveValue('');
    expect(onState).not.toHaveBeenCalled();
  });

  test('the offers after creating: install the CLI, start at login, then Continue', async () => {
    const fake = createFakeBridge();
    const created = running({ offers: ['install-cli', 'start-at-login'] });
    fake.on('app.createStore', () => created);
    fake.on('app.installCli', () => ({ installed: true, path: '/home/person/.local/bin/secrets', hint: 'open a new terminal to use it' }));
    fake.on('app.setStartAtLogin', ({ enabled }: { enabled: boolean }) => ({ enabled }));
    const { onState } = show(fake, state('create-store'));
    await userEvent.type(field('Passphrase'), PASSPHRASE);
    await userEvent.type(field('Repeat passphrase'), `${PASSPHRASE}{Enter}`);
    expect(await screen.findByRole('heading', { name: 'Your store is ready' })).toBeInTheDocument();
    expect(onState).not.toHaveBeenCalled();

    expect(screen.getByRole('heading', { name: 'Install the secrets command-line tool' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Install the command-line tool' }));
    expect(fake.callsOf('app.installCli')).toEqual([{}]);
    expect(await screen.findByRole('status')).toHaveTextContent('Installed at /home/person/.local/bin/secrets. open a new terminal to use it');

    await userEvent.click(screen.getByRole('checkbox', { name: 'Start Agent Secrets when I log in' }));
    expect(fake.callsOf('app.setStartAtLogin')).toEqual([{ enabled: true }]);
    expect(screen.getByRole('checkbox', { name: 'Start Agent Secrets when I log in' })).toBeChecked();

    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(onState).toHaveBeenCalledWith(created);
  });

  test('a CLI that cannot be installed: its hint; an install error: shown next to it', async () => {
    const fake = createFakeBridge();
    fake.on('app.createStore', () => running({ offers: ['install-cli'] }));
    fake.on('app.installCli', () => ({ installed: false, path: null, hint: 'install Node 20 or later, then try again' }));
    show(fake, state('create-store'));
    await userEvent.type(field('Passphrase'), PASSPHRASE);
    await userEvent.type(field('Repeat passphrase'), `${PASSPHRASE}{Enter}`);
    expect(screen.queryByRole('checkbox', { name: /log in/ })).toBeNull();
    await userEvent.click(await screen.findByRole('button', { name: 'Install the command-line tool' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Not installed. install Node 20 or later, then try again');

    fake.fail('app.installCli', 'INTERNAL', 'cannot write ~/.local/bin', 'check the folder permissions');
    await userEvent.click(screen.getByRole('button', { name: 'Install the command-line tool' }));
    const card = screen.getByRole('heading', { name: 'Install the secrets command-line tool' }).parentElement!;
    expect(await within(card).findByRole('alert')).toHaveTextContent('cannot write ~/.local/bin — check the folder permissions');
  });
});

describe('first run: unlock', () => {
  test('a wrong passphrase: said under the field, which is cleared and focused again', async () => {
    const fake = createFakeBridge();
    fake.fail('app.unlock', 'PASSPHRASE_INCORRECT', 'the passphrase does not open the store');
    const note = 'The saved passphrase no longer opens the store (was it changed?). Type it again.';
    const { onState } = show(fake, state('unlock', { note }));
    expect(screen.getByRole('heading', { name: 'Unlock your secret store' })).toBeInTheDocument();
    expect(screen.getByText(note)).toBeInTheDocument();
    expect(screen.queryByLabelText('Repeat passphrase')).toBeNull();
    await userEvent.type(field('Passphrase'), 'wrong one');
    await userEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(fake.callsOf('app.unlock')).toEqual([{ passphrase: 'wrong one', remember: false }]);
    expect(await screen.findByRole('alert')).toHaveTextContent('the passphrase does not open the store');
    expect(field('Passphrase')).toHaveAccessibleDescription('the passphrase does not open the store');
    expect(field('Passphrase')).toHaveValue('');
    expect(field('Passphrase')).toHaveFocus();
    expect(onState).not.toHaveBeenCalled();

    fake.on('app.unlock', () => running());
    await userEvent.type(field('Passphrase'), PASSPHRASE);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Remember on this computer' }));
    await userEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(fake.callsOf('app.unlock')).toEqual([
      { passphrase: 'wrong one', remember: false },
      { passphrase: PASSPHRASE, remember: true },
    ]);
    expect(onState).toHaveBeenCalledWith(running());
  });

  test('an empty passphrase is not sent', async () => {
    const fake = createFakeBridge();
    show(fake, state('unlock'));
    await userEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(field('Passphrase')).toHaveAccessibleDescription('Type the store passphrase.');
    expect(fake.callsOf('app.unlock')).toEqual([]);
  });
});

describe('first run: a headless daemon', () => {
  test('explains, and takes over on request', async () => {
    const fake = createFakeBridge();
    fake.on('app.takeOver', () => state('unlock'));
    const { onState } = show(fake, state('take-over-headless', { note: HEADLESS }));
    expect(screen.getByText(HEADLESS)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Stop the headless daemon and run it here' }));
    expect(fake.callsOf('app.takeOver')).toEqual([{}]);
    expect(onState).toHaveBeenCalledWith(state('unlock'));
  });

  test('a take-over that fails says why, with the hint', async () => {
    const fake = createFakeBridge();
    fake.fail('app.takeOver', 'DAEMON_ALREADY_RUNNING', 'the headless daemon did not stop', 'stop it with: secrets stop');
    const { onState } = show(fake, state('take-over-headless', { note: HEADLESS }));
    await userEvent.click(screen.getByRole('button', { name: 'Stop the headless daemon and run it here' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the headless daemon did not stop — stop it with: secrets stop');
    expect(onState).not.toHaveBeenCalled();
  });
});
