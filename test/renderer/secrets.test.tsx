import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { ADD_COMMAND, SecretsView } from '../../renderer/views/SecretsView.js';
import { createFakeBridge, fakeLease, fakeSecret, fakeStatus, iso } from './fake-bridge.js';
import { renderWithStore } from './render-view.js';

const VALUE = 'hunter2-never-shown';

/** The row of a secret, found by its row header. */
const rowOf = (name: string) => screen.getByRole('rowheader', { name }).closest('tr')!;

/** Nothing on the page shows a value the person typed. */
const expectNoValueShown = (value: string) => {
  expect(document.body.textContent).not.toContain(value);
  for (const input of document.querySelectorAll('input')) expect(input.value).not.toBe(value);
};

describe('the Secrets tab', () => {
  test('loading: says it is loading the secrets', () => {
    const fake = createFakeBridge();
    fake.hang('secrets.list');
    renderWithStore(fake, <SecretsView />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading secrets…');
  });

  test('error: where the table would be, with its hint; Retry asks again', async () => {
    const fake = createFakeBridge({ secrets: [fakeSecret('github_token')] });
    fake.fail('secrets.list', 'DAEMON_NOT_RUNNING', 'the daemon is not running', 'restart the app');
    renderWithStore(fake, <SecretsView />);
    expect(await screen.findByRole('alert')).toHaveTextContent('the daemon is not running — restart the app');
    fake.on('secrets.list', () => ({ secrets: fake.data.secrets }));
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('rowheader', { name: 'github_token' })).toBeInTheDocument();
  });

  test('empty: says how to add the first secret, with the form right there and the exact command', async () => {
    const fake = createFakeBridge();
    renderWithStore(fake, <SecretsView />);
    expect(await screen.findByText('No secrets yet')).toBeInTheDocument();
    expect(screen.getByText(ADD_COMMAND)).toBeInTheDocument();
    expect(ADD_COMMAND).toBe('secrets add NAME --description "what it is for"');
    expect(screen.getByRole('form', { name: 'Add a secret' })).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });

  test('populated: metadata only, hook in monospace or "none", last rotation, live lease counts; never a value nor a reveal', async () => {
    const fake = createFakeBridge({
      secrets: [
        fakeSecret('github_token', { description: 'CI pushes', rotate_via: 'gh auth refresh --print', last_rotated_at: iso(-3_600_000), active_leases: 9 }),
        fakeSecret('openai_key'),
      ],
      leases: [fakeLease(1), fakeLease(2)],
    });
    renderWithStore(fake, <SecretsView />);
    await screen.findByRole('rowheader', { name: 'github_token' });
    const headers = within(screen.getByRole('table')).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Name', 'Description', 'Created', 'Updated', 'Rotation hook', 'Last rotated', 'Active leases', 'Actions']);

    const github = within(rowOf('github_token'));
    expect(github.getByText('CI pushes')).toBeInTheDocument();
    expect(github.getByText('gh auth refresh --print').tagName).toBe('CODE');
    expect(github.getByText('2')).toBeInTheDocument(); // counted from the live leases, not the stale 9
    const openai = within(rowOf('openai_key'));
    expect(openai.getByText('none')).toBeInTheDocument();
    expect(openai.getByText('never')).toBeInTheDocument();
    expect(openai.getByText('0')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /reveal|show|copy/i })).toBeNull();

    // A new lease of github_token counts at once, from the event alone.
    act(() => fake.emit('lease.granted', { lease: fakeLease(3) }));
    expect(within(rowOf('github_token')).getByText('3')).toBeInTheDocument();
    // A secret added elsewhere appears: the store reloads the secrets on secret.changed.
    fake.data.secrets = [...fake.data.secrets, fakeSecret('stripe_key')];
    act(() => fake.emit('secret.changed', { name: 'stripe_key', change: 'added' }));
    expect(await screen.findByRole('rowheader', { name: 'stripe_key' })).toBeInTheDocument();
  });

  test('locked: with the killswitch engaged it says leases are refused but the secrets can still be managed', async () => {
    const fake = createFakeBridge({ secrets: [fakeSecret('github_token')], status: fakeStatus({ locked: true, killswitch: { engaged: true, changed_at: iso(0), reason: 'leak' } }) });
    renderWithStore(fake, <SecretsView />);
    expect(await screen.findByRole('note')).toHaveTextContent('The killswitch is engaged: no secret is leased until it is disengaged. You can still add, replace, rotate and delete secrets here.');
    expect(screen.getByRole('button', { name: 'Add secret' })).toBeEnabled();
  });

  test('add: a masked value, the exact call, every field cleared after; the value is never echoed', async () => {
    const fake = createFakeBridge();
    fake.on('secrets.add', (p) => ({ secret: fakeSecret(p.name) }));
    renderWithStore(fake, <SecretsView />);
    await screen.findByText('No secrets yet');
    const value = screen.getByLabelText('Value');
    expect(value).toHaveAttribute('type', 'password');
    expect(value).toHaveAttribute('autocomplete', 'off');
    await userEvent.type(screen.getByLabelText('Name'), 'github_token');
    await userEvent.type(value, VALUE);
    await userEvent.type(screen.getByLabelText('Description (optional)'), 'CI pushes');
    await userEvent.type(screen.getByLabelText(/^Rotation hook/), 'gh auth refresh --print');
    await userEvent.click(screen.getByRole('button', { name: 'Add secret' }));
    expect(fake.callsOf('secrets.add')).toEqual([{ name: 'github_token', value: VALUE, description: 'CI pushes', rotate_via: 'gh auth refresh --print' }]);
    expect(await screen.findByRole('status')).toHaveTextContent('Added github_token.');
    expect(screen.getByLabelText('Name')).toHaveValue('');
    expect(screen.getByLabelText('Value')).toHaveValue('');
    expectNoValueShown(VALUE);
  });

  test('add: a value too short for exec to hide is said to be so while typed, and still stored', async () => {
    const fake = createFakeBridge();
    fake.on('secrets.add', (p) => ({ secret: fakeSecret(p.name) }));
    renderWithStore(fake, <SecretsView />);
    await userEvent.type(await screen.findByLabelText('Name'), 'pin');
    const value = screen.getByLabelText('Value');
    await userEvent.type(value, '123');
    const note = screen.getByText(/^pin is shorter than 4 characters: secrets exec will refuse to run with it/);
    expect(value).toHaveAccessibleDescription(note.textContent!);
    await userEvent.type(value, '4');
    expect(screen.queryByText(/shorter than 4 characters/)).toBeNull();
    expect(value).not.toHaveAttribute('aria-describedby');
    await userEvent.type(value, '{Backspace}');
    await userEvent.click(screen.getByRole('button', { name: 'Add secret' }));
    expect(fake.callsOf('secrets.add')).toEqual([{ name: 'pin', value: '123' }]);
    expect(screen.queryByText(/shorter than 4 characters/), 'the field is cleared, and with it the note').toBeNull();
  });

  test('add: optional fields left empty are not sent', async () => {
    const fake = createFakeBridge();
    fake.on('secrets.add', (p) => ({ secret: fakeSecret(p.name) }));
    renderWithStore(fake, <SecretsView />);
    await userEvent.type(await screen.findByLabelText('Name'), 'api_key');
    await userEvent.type(screen.getByLabelText('Value'), VALUE);
    await userEvent.keyboard('{Enter}');
    expect(fake.callsOf('secrets.add')).toEqual([{ name: 'api_key', value: VALUE }]);
  });

  test('add: a name the daemon refuses shows its error next to the name; the value is cleared all the same', async () => {
    const fake = createFakeBridge();
    fake.fail('secrets.add', 'INVALID_PARAMS', 'secrets.add: name: secret names are 1-128 characters of letters, digits, ".", "_" and "-", starting with a letter or digit', 'see: secrets --help');
    renderWithStore(fake, <SecretsView />);
    const name = await screen.findByLabelText('Name');
    await userEvent.type(name, '../etc/passwd');
    await userEvent.type(screen.getByLabelText('Value'), VALUE);
    await userEvent.click(screen.getByRole('button', { name: 'Add secret' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('secrets.add: name: secret names are 1-128 characters');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription(/secret names are 1-128 characters/);
    expect(name).toHaveValue('../etc/passwd');
    expect(screen.getByLabelText('Value')).toHaveValue('');
    expectNoValueShown(VALUE);
  });

  test('replace value: a masked field under the row, the exact call, cleared; the form closes', async () => {
    const fake = createFakeBridge({ secrets: [fakeSecret('github_token')] });
    fake.on('secrets.set', (p) => ({ secret: fakeSecret(p.name) }));
    renderWithStore(fake, <SecretsView />);
    await screen.findByRole('rowheader', { name: 'github_token' });
    await userEvent.click(within(rowOf('github_token')).getByRole('button', { name: 'Replace value' }));
    const field = screen.getByLabelText('New value for github_token');
    expect(field).toHaveAttribute('type', 'password');
    expect(field).toHaveAttribute('autocomplete', 'off');
    await userEvent.type(field, VALUE);
    await userEvent.click(screen.getByRole('button', { name: 'Save new value' }));
    expect(fake.callsOf('secrets.set')).toEqual([{ name: 'github_token', value: VALUE }]);
    expect(await screen.findByRole('status')).toHaveTextContent('Replaced the value of github_token.');
    expect(screen.queryByLabelText('New value for github_token')).toBeNull();
    expectNoValueShown(VALUE);
  });

  test('replace value: a refusal is shown in the form, whose field is cleared', async () => {
    const fake = createFakeBridge({ secrets: [fakeSecret('github_token')] });
    fake.fail('secrets.set', 'SECRET_NOT_FOUND', 'secret "github_token" not found', 'list the secrets that exist with: secrets list');
    renderWithStore(fake, <SecretsView />);
    await screen.findByRole('rowheader', { name: 'github_token' });
    await userEvent.click(screen.getByRole('button', { name: 'Replace value' }));
    await userEvent.type(screen.getByLabelText('New value for github_token'), VALUE);
    await userEvent.click(screen.getByRole('button', { name: 'Save new value' }));
    const form = screen.getByRole('form', { name: 'Replace the value of github_token' });
    expect(await within(form).findByRole('alert')).toHaveTextContent('secret "github_token" not found — list the secrets that exist with: secrets list');
    expect(screen.getByLabelText('New value for github_token')).toHaveValue('');
  });

  test('delete: asks first, naming the leases it revokes; then the exact call and how many were revoked', async () => {
    const fake = createFakeBridge({ secrets: [fakeSecret('github_token')], leases: [fakeLease(1), fakeLease(2)] });
    fake.on('secrets.remove', (p) => ({ name: p.name, revoked_leases: 2 }));
    renderWithStore(fake, <SecretsView />);
    await screen.findByRole('rowheader', { name: 'github_token' });
    await userEvent.click(within(rowOf('github_token')).getByRole('button', { name: 'Delete' }));
    expect(fake.callsOf('secrets.remove')).toEqual([]);
    expect(screen.getByRole('group', { name: 'Delete github_token and revoke its 2 active leases?' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Delete github_token' }));
    expect(fake.callsOf('secrets.remove')).toEqual([{ name: 'github_token' }]);
    expect(await screen.findByRole('status')).toHaveTextContent('Deleted github_token; revoked 2 leases.');
  });

  test('delete by keyboard: Enter twice cancels; once deleted, the focus goes to the Secrets heading, not the page top', async () => {
    const fake = createFakeBridge({ secrets: [fakeSecret('github_token'), fakeSecret('openai_key')] });
    fake.on('secrets.remove', (p) => {
      // The daemon says so with its event; the store reloads the list without the secret.
      fake.data.secrets = fake.data.secrets.filter((s) => s.name !== p.name);
      fake.emit('secret.changed', { name: p.name, change: 'removed' });
      return { name: p.name, revoked_leases: 0 };
    });
    renderWithStore(fake, <SecretsView />);
    await screen.findByRole('rowheader', { name: 'github_token' });
    const user = userEvent.setup();
    within(rowOf('github_token')).getByRole('button', { name: 'Delete' }).focus();
    await user.keyboard('{Enter}{Enter}');
    expect(fake.callsOf('secrets.remove')).toEqual([]);
    expect(within(rowOf('github_token')).getByRole('button', { name: 'Delete' })).toHaveFocus();
    await user.keyboard('{Enter}');
    await user.tab({ shift: true });
    await user.keyboard('{Enter}');
    expect(fake.callsOf('secrets.remove')).toEqual([{ name: 'github_token' }]);
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: 'github_token' })).toBeNull());
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Secrets' })).toHaveFocus());
    expect(screen.getByRole('status')).toHaveTextContent('Deleted github_token; revoked 0 leases.');
  });

  test('delete: Cancel steps back without a call; a refusal shows in the row', async () => {
    const fake = createFakeBridge({ secrets: [fakeSecret('github_token')] });
    fake.fail('secrets.remove', 'ADMIN_REQUIRED', 'this needs the store owner', 'confirm in the window');
    renderWithStore(fake, <SecretsView />);
    await screen.findByRole('rowheader', { name: 'github_token' });
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('secrets.remove')).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await userEvent.click(screen.getByRole('button', { name: 'Delete github_token' }));
    expect(await within(rowOf('github_token')).findByRole('alert')).toHaveTextContent('this needs the store owner — confirm in the window');
  });

  test('rotate now: the exact call, then the outcome with exit code, duration and revoked leases', async () => {
    const fake = createFakeBridge({ secrets: [fakeSecret('github_token', { rotate_via: 'gh auth refresh --print' })] });
    fake.on('secrets.rotate', (p) => ({ name: p.name, rotated: true, revoked_leases: 1, exit_code: 0, duration_ms: 420, reason: null }));
    renderWithStore(fake, <SecretsView />);
    await screen.findByRole('rowheader', { name: 'github_token' });
    await userEvent.click(within(rowOf('github_token')).getByRole('button', { name: 'Rotate now' }));
    expect(fake.callsOf('secrets.rotate')).toEqual([{ name: 'github_token' }]);
    expect(await within(rowOf('github_token')).findByRole('status')).toHaveTextContent('Rotated (exit code 0, 420 ms); 1 lease revoked');
  });

  test('rotate now: a failed hook says why, with its exit code and duration', async () => {
    const fake = createFakeBridge({ secrets: [fakeSecret('github_token', { rotate_via: 'false' })] });
    fake.on('secrets.rotate', (p) => ({ name: p.name, rotated: false, revoked_leases: 0, exit_code: 3, duration_ms: 1500, reason: 'the hook exited with 3' }));
    renderWithStore(fake, <SecretsView />);
    await screen.findByRole('rowheader', { name: 'github_token' });
    await userEvent.click(screen.getByRole('button', { name: 'Rotate now' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Rotation failed: the hook exited with 3 (exit code 3, 1.5 s)');
  });

  test('rotate now: disabled without a rotation hook, saying how to add one', async () => {
    const fake = createFakeBridge({ secrets: [fakeSecret('openai_key')] });
    renderWithStore(fake, <SecretsView />);
    await screen.findByRole('rowheader', { name: 'openai_key' });
    const rotate = within(rowOf('openai_key')).getByRole('button', { name: 'Rotate now' });
    expect(rotate).toBeDisabled();
    const why = 'No rotation hook. To add one, delete openai_key and add it again with a hook (the form below, or: secrets add openai_key --rotate-via CMD).';
    expect(rotate).toHaveAccessibleDescription(why);
    // Said on screen, not only to a screen reader.
    const shown = within(rowOf('openai_key')).getByText(why);
    expect(shown).toBeVisible();
    expect(shown).not.toHaveClass('visually-hidden');
    // The hint names a way that works: secrets add refuses an existing name, so it is not alone.
    expect(shown).toHaveTextContent(/delete openai_key and add it again/);
    await waitFor(() => expect(fake.callsOf('secrets.rotate')).toEqual([]));
  });

  test('rotate now: a daemon refusal shows next to the button with its hint', async () => {
    const fake = createFakeBridge({ secrets: [fakeSecret('github_token', { rotate_via: 'x' })] });
    fake.fail('secrets.rotate', 'KILLSWITCH_ENGAGED', 'the killswitch is engaged', 'the store owner runs: secrets killswitch --disengage');
    renderWithStore(fake, <SecretsView />);
    await screen.findByRole('rowheader', { name: 'github_token' });
    await userEvent.click(screen.getByRole('button', { name: 'Rotate now' }));
    expect(await within(rowOf('github_token')).findByRole('alert')).toHaveTextContent('the killswitch is engaged — the store owner runs: secrets killswitch --disengage');
  });
});
