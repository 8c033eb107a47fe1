import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { ApprovalsView } from '../../renderer/views/ApprovalsView.js';
import { createFakeBridge, fakeConfirmation, fakeGrant, fakeRequest, fakeStatus } from './fake-bridge.js';
import { renderWithStore } from './render-view.js';

const view = (fake: ReturnType<typeof createFakeBridge>) => renderWithStore(fake, <ApprovalsView />);
const region = (name: string) => screen.getByRole('region', { name });

describe('Approvals & clients: states', () => {
  test('loading: each list says it is loading', () => {
    const fake = createFakeBridge();
    fake.hang('requests.list');
    fake.hang('clients.list');
    view(fake);
    expect(within(region('Pending requests')).getByRole('status')).toHaveTextContent('Loading pending requests…');
    expect(within(region('Clients')).getByRole('status')).toHaveTextContent('Loading clients…');
  });

  test('error: shown in the list that failed, with its hint; Retry loads it again', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest()] });
    fake.fail('requests.list', 'DAEMON_NOT_RUNNING', 'the daemon is not running', 'open the dashboard to start it');
    view(fake);
    const pending = region('Pending requests');
    expect(await within(pending).findByRole('alert')).toHaveTextContent('the daemon is not running — open the dashboard to start it');
    expect(within(region('Clients')).queryByRole('alert')).toBeNull();
    fake.on('requests.list', () => ({ requests: fake.data.requests }));
    await userEvent.click(within(pending).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('article', { name: 'claude-code wants github_token' })).toBeInTheDocument();
  });

  test('error in the clients list stays in the clients section', async () => {
    const fake = createFakeBridge();
    fake.fail('clients.list', 'INTERNAL', 'internal error', 'see the app log');
    view(fake);
    expect(await within(region('Clients')).findByRole('alert')).toHaveTextContent('internal error — see the app log');
    expect(within(region('Pending requests')).queryByRole('alert')).toBeNull();
  });

  test('empty: what to expect, and the exact pre-approval command; no terminal section', async () => {
    const fake = createFakeBridge();
    view(fake);
    expect(await within(region('Pending requests')).findByText('When an agent asks for a secret for the first time, its request shows here and in its own window.')).toBeInTheDocument();
    const clients = region('Clients');
    expect(await within(clients).findByText('No approved clients yet')).toBeInTheDocument();
    expect(within(clients).getByText('secrets clients allow my-agent --for 8h', { selector: 'code' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Admin commands from a terminal' })).toBeNull();
  });

  test('locked: a note that requests are refused while the killswitch is engaged; Allow is disabled, Deny is not', async () => {
    const fake = createFakeBridge({ status: fakeStatus({ killswitch: { engaged: true, changed_at: null, reason: 'tray menu' } }), requests: [fakeRequest()] });
    view(fake);
    expect(await screen.findByRole('note')).toHaveTextContent(/killswitch is engaged: every lease request is refused/i);
    const card = await screen.findByRole('article', { name: 'claude-code wants github_token' });
    expect(within(card).getByRole('button', { name: 'Allow once' })).toBeDisabled();
    expect(within(card).getByRole('button', { name: 'Deny' })).toBeEnabled();
  });

  test('not locked: no note', async () => {
    const fake = createFakeBridge();
    view(fake);
    await within(region('Clients')).findByText('No approved clients yet');
    expect(screen.queryByRole('note')).toBeNull();
  });
});

describe('Approvals & clients: pending requests', () => {
  test('each request shows the verified caller apart from the claimed one, and what it asks for', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest(), fakeRequest({ request_id: 'R-second00', client_id: 'cursor', secret_names: ['npm_token'], env_file: '/home/person/project/.env', verified: null })] });
    view(fake);
    const card = await screen.findByRole('article', { name: 'claude-code wants github_token' });
    const verified = within(card).getByRole('region', { name: 'Verified by the daemon' });
    expect(within(verified).getByText('/usr/bin/node /usr/local/bin/claude')).toBeInTheDocument();
    expect(within(verified).getByText('/home/person/project')).toBeInTheDocument();
    expect(within(verified).queryByText('claude-code')).toBeNull();
    expect(within(within(card).getByRole('region', { name: 'Claimed by the client (not verified)' })).getByText('claude-code')).toBeInTheDocument();
    expect(within(card).getByText('a new client')).toBeInTheDocument();
    expect(within(card).getByText(/denied automatically in/i)).toBeInTheDocument();

    const second = screen.getByRole('article', { name: 'cursor wants npm_token' });
    expect(within(second).getByText('/home/person/project/.env')).toBeInTheDocument();
    expect(within(second).getByText(/could not verify the caller/i)).toBeInTheDocument();
  });

  test('Allow once and Deny send exactly the request id; a decided request leaves the list', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest(), fakeRequest({ request_id: 'R-second00', client_id: 'cursor' })] });
    fake.on('requests.approve', () => ({ request: fakeRequest(), grant: null }));
    fake.on('requests.deny', () => ({ request: fakeRequest() }));
    view(fake);
    await userEvent.click(within(await screen.findByRole('article', { name: 'claude-code wants github_token' })).getByRole('button', { name: 'Allow once' }));
    expect(fake.callsOf('requests.approve')).toEqual([{ request_id: 'R-abcd1234' }]);
    await userEvent.click(within(screen.getByRole('article', { name: 'cursor wants github_token' })).getByRole('button', { name: 'Deny' }));
    expect(fake.callsOf('requests.deny')).toEqual([{ request_id: 'R-second00' }]);
    act(() => fake.emit('approval.decided', { request: fakeRequest() }));
    expect(screen.queryByRole('article', { name: 'claude-code wants github_token' })).toBeNull();
    expect(screen.getByRole('article', { name: 'cursor wants github_token' })).toBeInTheDocument();
  });

  test('a failed decision is shown on its own card, with the hint', async () => {
    const fake = createFakeBridge({ requests: [fakeRequest(), fakeRequest({ request_id: 'R-second00', client_id: 'cursor' })] });
    fake.fail('requests.approve', 'REQUEST_NOT_FOUND', 'request R-abcd1234 is no longer pending', 'it timed out or was decided elsewhere');
    view(fake);
    const card = await screen.findByRole('article', { name: 'claude-code wants github_token' });
    await userEvent.click(within(card).getByRole('button', { name: 'Allow once' }));
    expect(await within(card).findByRole('alert')).toHaveTextContent('request R-abcd1234 is no longer pending — it timed out or was decided elsewhere');
    expect(within(screen.getByRole('article', { name: 'cursor wants github_token' })).queryByRole('alert')).toBeNull();
  });

  test('a request announced by the daemon appears without reloading', async () => {
    const fake = createFakeBridge();
    view(fake);
    await within(region('Pending requests')).findByText(/its request shows here/);
    act(() => fake.emit('approval.requested', { request: fakeRequest() }));
    expect(screen.getByRole('article', { name: 'claude-code wants github_token' })).toBeInTheDocument();
    expect(fake.callsOf('requests.list')).toEqual([{}]);
  });
});

describe('Approvals & clients: terminal commands', () => {
  test('shows the exact command; Allow and Deny decide with allow true and false', async () => {
    const confirmation = fakeConfirmation();
    const fake = createFakeBridge({ confirmations: [confirmation] });
    fake.on('confirmations.decide', ({ allow }) => ({ confirmation, allowed: allow }));
    view(fake);
    const card = await within(await screen.findByRole('region', { name: 'Admin commands from a terminal' })).findByRole('article', { name: 'A terminal wants to run secrets.remove' });
    expect(within(card).getByText('secrets remove github_token --force', { selector: 'code' })).toBeInTheDocument();
    expect(within(card).getByRole('region', { name: 'Verified by the daemon' })).toHaveTextContent('uid 1000');
    await userEvent.click(within(card).getByRole('button', { name: 'Allow' }));
    await userEvent.click(within(card).getByRole('button', { name: 'Deny' }));
    expect(fake.callsOf('confirmations.decide')).toEqual([
      { confirmation_id: 'C-wxyz5678', allow: true },
      { confirmation_id: 'C-wxyz5678', allow: false },
    ]);
  });
});

describe('Approvals & clients: clients and grants', () => {
  const grants = [
    fakeGrant(),
    fakeGrant({ grant_id: 'G-allsecret', secrets: null, launcher: null, expires_at: null, max_ttl: '30m', source: 'pre-approval' }),
    fakeGrant({ grant_id: 'G-cursor001', client_id: 'cursor', source: 'config', active: false }),
  ];

  test('each client with its grants: scope, max TTL, expiry, launcher, source, state', async () => {
    const fake = createFakeBridge({ grants });
    view(fake);
    const claude = await screen.findByRole('article', { name: 'claude-code' });
    const table = within(claude).getByRole('table', { name: 'Grants of claude-code' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Secrets', 'Max lease time', 'Expires', 'Launcher', 'Source', 'State', 'Actions']);
    const [, first, second] = within(table).getAllByRole('row');
    expect(within(first!).getByText('github_token')).toBeInTheDocument();
    expect(within(first!).getByText('no limit')).toBeInTheDocument();
    expect(within(first!).getByText('/usr/bin/node /usr/local/bin/claude')).toBeInTheDocument();
    expect(within(first!).getByText('approval')).toBeInTheDocument();
    expect(within(second!).getAllByRole('cell').map((c) => c.textContent)).toEqual(['all secrets', '30m', 'until revoked', 'any launcher', 'pre-approval', 'active', 'Revoke']);
    const cursor = screen.getByRole('article', { name: 'cursor' });
    expect(within(cursor).getByText('inactive')).toBeInTheDocument();
    expect(within(cursor).queryByRole('button', { name: /revoke/i })).toBeNull();
  });

  test('Revoke sends the grant id; its error stays on its row', async () => {
    const fake = createFakeBridge({ grants });
    fake.fail('clients.revoke', 'GRANT_NOT_FOUND', 'grant G-allsecret not found', 'secrets clients');
    view(fake);
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke grant G-allsecret' }));
    expect(fake.callsOf('clients.revoke')).toEqual([{ grant_id: 'G-allsecret' }]);
    const row = screen.getByRole('button', { name: 'Revoke grant G-allsecret' }).closest('tr')!;
    expect(await within(row).findByRole('alert')).toHaveTextContent('grant G-allsecret not found — secrets clients');
  });

  test('Forget asks once more before it sends the client id', async () => {
    const fake = createFakeBridge({ grants });
    fake.on('clients.forget', () => ({ client_id: 'claude-code', revoked_grants: 2, revoked_leases: 1 }));
    view(fake);
    const claude = await screen.findByRole('article', { name: 'claude-code' });
    await userEvent.click(within(claude).getByRole('button', { name: 'Forget claude-code' }));
    expect(fake.callsOf('clients.forget')).toEqual([]);
    const ask = within(claude).getByRole('group', { name: 'Revoke every grant of claude-code and end its leases?' });
    await userEvent.click(within(ask).getByRole('button', { name: 'Forget claude-code' }));
    expect(fake.callsOf('clients.forget')).toEqual([{ client_id: 'claude-code' }]);
  });

  test('a change of clients reloads the list', async () => {
    const fake = createFakeBridge({ grants });
    view(fake);
    await screen.findByRole('article', { name: 'cursor' });
    fake.data.grants = grants.filter((g) => g.client_id !== 'cursor');
    act(() => fake.emit('client.changed', { client_id: 'cursor', change: 'forgotten' }));
    await waitFor(() => expect(screen.queryByRole('article', { name: 'cursor' })).toBeNull());
  });
});

