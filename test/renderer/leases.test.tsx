import { act, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createTicker } from '../../renderer/store/clock.js';
import { EXEC_COMMAND, LEASE_COMMAND, LeasesView } from '../../renderer/views/LeasesView.js';
import { flattenGroups, groupByClient } from '../../renderer/views/leases/group-leases.js';
import { ROW_HEIGHT } from '../../renderer/views/leases/LeaseTable.js';
import { T0, createFakeBridge, fakeLease, fakeStatus, iso } from './fake-bridge.js';
import { renderWithStore } from './render-view.js';

/**
 * Counts renders of the real lease row, keeping its memo wrapper and comparison: a row that is not
 * memoised (spreading a plain function leaves no component at all) or that gets new props every
 * second or on every other lease's change counts up.
 */
const rowRenders = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../renderer/views/leases/LeaseRow.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../renderer/views/leases/LeaseRow.js')>();
  const memoised = real.LeaseRow as unknown as { type: (props: object) => unknown };
  return { ...real, LeaseRow: { ...memoised, type: (props: object) => (rowRenders.count++, memoised.type(props)) } };
});

/**
 * jsdom has no layout, and the virtualiser reads its scroller's size once mounted: give every element
 * one, a window of 20 rows (`viewRows` lets a test make it taller).
 */
let viewRows = 20;
beforeEach(() => {
  viewRows = 20;
  vi.spyOn(Element.prototype, 'clientHeight', 'get').mockImplementation(() => viewRows * ROW_HEIGHT);
  vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1200);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Scrolls the lease table as a person would, to `top` px. */
function scrollTable(top: number) {
  const scroller = screen.getByRole('region', { name: 'Lease table' });
  Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: top });
  fireEvent.scroll(scroller);
}

/** A clock pinned at T0, so countdowns read the same on every run. */
const pinned = () => createTicker(() => T0);
const leaseRows = () => screen.getAllByRole('row').filter((row) => within(row).queryByRole('button', { name: /^Revoke .* lease of / }) !== null);

describe('the Leases tab', () => {
  test('loading: says it is loading the leases', () => {
    const fake = createFakeBridge();
    fake.hang('lease.list');
    renderWithStore(fake, <LeasesView ticker={pinned()} />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading leases…');
  });

  test('error: where the table would be, with its hint; Retry asks again', async () => {
    const fake = createFakeBridge({ leases: [fakeLease(1)] });
    fake.fail('lease.list', 'DAEMON_NOT_RUNNING', 'the daemon is not running', 'restart the app');
    renderWithStore(fake, <LeasesView ticker={pinned()} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('the daemon is not running — restart the app');
    fake.on('lease.list', () => ({ leases: fake.data.leases }));
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('table')).toBeInTheDocument();
    expect(fake.callsOf('lease.list')).toEqual([{}, {}]);
  });

  test('empty: what to do next, with the exact commands an agent runs', async () => {
    renderWithStore(createFakeBridge(), <LeasesView ticker={pinned()} />);
    expect(await screen.findByText('No active leases')).toBeInTheDocument();
    expect(screen.getByText(EXEC_COMMAND)).toBeInTheDocument();
    expect(screen.getByText(LEASE_COMMAND)).toBeInTheDocument();
    expect(EXEC_COMMAND).toBe('secrets exec --client-id my-agent -- npm test');
    expect(LEASE_COMMAND).toBe('secrets lease NAME --client-id my-agent');
    expect(screen.queryByRole('table')).toBeNull();
  });

  test('populated: a row shows client, verified launcher, secret, granted time and a countdown', async () => {
    const lease = fakeLease(1, { client_id: 'claude-code', secret_name: 'github_token', launcher: '/usr/bin/node /usr/local/bin/claude', expires_at: iso(3_540_000) });
    renderWithStore(createFakeBridge({ leases: [lease] }), <LeasesView ticker={pinned()} />);
    await screen.findByRole('table');
    expect(screen.getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Client', 'Verified launcher', 'Secret', 'Granted', 'Expires in', 'Actions']);
    const [row] = leaseRows();
    expect(within(row!).getByRole('cell', { name: 'claude-code' })).toBeInTheDocument();
    expect(within(row!).getByRole('cell', { name: '/usr/bin/node /usr/local/bin/claude' })).toBeInTheDocument();
    expect(within(row!).getByRole('rowheader', { name: 'github_token' })).toBeInTheDocument();
    expect(within(row!).getByText('59m 00s')).toHaveAttribute('datetime', iso(3_540_000));
    expect(within(row!).getByText('59m 00s')).toHaveAccessibleName('Expires in: 59m 00s');
    expect(screen.getByText('1 active lease')).toBeInTheDocument();
  });

  test('a lease taken without a verified launcher says so', async () => {
    renderWithStore(createFakeBridge({ leases: [fakeLease(1, { launcher: null })] }), <LeasesView ticker={pinned()} />);
    await screen.findByRole('table');
    expect(within(leaseRows()[0]!).getByText('not verified')).toBeInTheDocument();
  });

  test('1,000 leases: the count is shown, and only the rows in view (and a few more) are in the DOM', async () => {
    const clients = ['zed-agent', 'aider', 'claude-code'];
    const leases = Array.from({ length: 1000 }, (_, i) => fakeLease(i, { client_id: clients[i % 3]!, expires_at: iso(60_000 + ((i * 7919) % 1000) * 1000) }));
    renderWithStore(createFakeBridge({ leases }), <LeasesView ticker={pinned()} />);
    expect(await screen.findByText('1000 active leases')).toBeInTheDocument();
    // The table knows its whole size: 1,000 leases, 3 group headers and the column header row.
    expect(screen.getByRole('table')).toHaveAttribute('aria-rowcount', '1004');
    // The rows scroll inside a labelled container the keyboard can focus (and so scroll).
    expect(screen.getByRole('region', { name: 'Lease table' })).toHaveAttribute('tabindex', '0');
    expect(screen.getByRole('rowheader', { name: /^aider · 333 leases$/ })).toBeInTheDocument();
    const rows = leaseRows();
    expect(rows.length).toBeGreaterThanOrEqual(19);
    expect(rows.length).toBeLessThan(40);
    const shown = rows.map((row) => within(row).getByText(/^\d+m \d+s$/).getAttribute('datetime')!);
    expect(shown).toEqual([...shown].sort());
    expect(rows.every((row) => within(row).queryByRole('cell', { name: 'aider' }) !== null)).toBe(true);
    expect(screen.queryByRole('rowheader', { name: /^claude-code/ })).toBeNull();

    // Scrolled to claude-code's group (after aider's header and 333 rows): its header is in view, aider's is gone.
    scrollTable(334 * ROW_HEIGHT + ROW_HEIGHT);
    expect(await screen.findByRole('rowheader', { name: /^claude-code · 333 leases$/ })).toHaveAttribute('scope', 'rowgroup');
    expect(screen.queryByRole('rowheader', { name: /^aider/ })).toBeNull();
    expect(leaseRows().length).toBeLessThan(50);
  });

  test('1,000 leases in order: groups alphabetical, each header then its leases, soonest expiry first', () => {
    const clients = ['zed-agent', 'aider', 'claude-code'];
    const leases = Array.from({ length: 1000 }, (_, i) => fakeLease(i, { client_id: clients[i % 3]!, expires_at: iso(60_000 + ((i * 7919) % 1000) * 1000) }));
    const items = flattenGroups(groupByClient(leases));
    expect(items).toHaveLength(1003);
    expect(items.flatMap((item) => (item.kind === 'group' ? [`${item.group.clientId} ${item.group.leases.length}`] : []))).toEqual(['aider 333', 'claude-code 333', 'zed-agent 334']);
    expect(items.map((item) => item.kind).indexOf('group', 1)).toBe(334);
    const aider = items.slice(1, 334).map((item) => (item.kind === 'lease' ? item.lease.expires_at : 'header'));
    expect(aider).toEqual([...aider].sort());
    expect(new Set(aider).size).toBe(333);
  });

  test('live: lease.granted adds a row, lease.revoked and lease.expired remove theirs', async () => {
    const fake = createFakeBridge({ leases: [fakeLease(1), fakeLease(2)] });
    renderWithStore(fake, <LeasesView ticker={pinned()} />);
    await screen.findByRole('table');
    expect(leaseRows()).toHaveLength(2);
    const added = fakeLease(3, { client_id: 'aider', secret_name: 'npm_token' });
    act(() => fake.emit('lease.granted', { lease: added }));
    expect(leaseRows()).toHaveLength(3);
    expect(screen.getByRole('rowheader', { name: 'npm_token' })).toBeInTheDocument();
    act(() => fake.emit('lease.revoked', { lease: { ...added, status: 'revoked' } }));
    expect(screen.queryByRole('rowheader', { name: 'npm_token' })).toBeNull();
    act(() => fake.emit('lease.expired', { lease: { ...fakeLease(1), status: 'expired' } }));
    expect(leaseRows()).toHaveLength(1);
  });

  test('revoke one lease: lease.revoke with its id', async () => {
    const fake = createFakeBridge({ leases: [fakeLease(1, { secret_name: 'aws_key' }), fakeLease(2)] });
    fake.on('lease.revoke', () => ({ revoked: [fakeLease(1).lease_id] }));
    renderWithStore(fake, <LeasesView ticker={pinned()} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke aws_key lease of claude-code' }));
    expect(fake.callsOf('lease.revoke')).toEqual([{ lease_id: fakeLease(1).lease_id }]);
  });

  test("revoke a client's leases: lease.revoke with its client id", async () => {
    const fake = createFakeBridge({ leases: [fakeLease(1), fakeLease(2, { client_id: 'aider' })] });
    fake.on('lease.revoke', () => ({ revoked: [fakeLease(2).lease_id] }));
    renderWithStore(fake, <LeasesView ticker={pinned()} />);
    await userEvent.click(await screen.findByRole('button', { name: "Revoke aider's leases" }));
    expect(fake.callsOf('lease.revoke')).toEqual([{ client_id: 'aider' }]);
  });

  test('revoke all asks once more in place, then calls lease.revoke {all: true}', async () => {
    const fake = createFakeBridge({ leases: [fakeLease(1), fakeLease(2), fakeLease(3)] });
    fake.on('lease.revoke', () => ({ revoked: [] }));
    renderWithStore(fake, <LeasesView ticker={pinned()} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke all…' }));
    expect(fake.callsOf('lease.revoke')).toEqual([]);
    within(screen.getByRole('group', { name: /Revoke every active lease\?/ })).getByText('Revoke every active lease? Agents lose their secrets now.');
    await userEvent.click(screen.getByRole('button', { name: 'Revoke all 3' }));
    expect(fake.callsOf('lease.revoke')).toEqual([{ all: true }]);
  });

  test('a revoke that fails says why in that row, not elsewhere', async () => {
    const fake = createFakeBridge({ leases: [fakeLease(1, { secret_name: 'aws_key' }), fakeLease(2)] });
    fake.fail('lease.revoke', 'LEASE_NOT_FOUND', 'lease L-1 is not active', 'it may have just expired');
    renderWithStore(fake, <LeasesView ticker={pinned()} />);
    const button = await screen.findByRole('button', { name: 'Revoke aws_key lease of claude-code' });
    await userEvent.click(button);
    const row = button.closest('tr')!;
    expect(await within(row).findByRole('alert')).toHaveTextContent('lease L-1 is not active — it may have just expired');
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });

  test('locked: the killswitch note says no new lease is granted', async () => {
    const status = fakeStatus({ killswitch: { engaged: true, changed_at: iso(0), reason: 'dashboard button' } });
    renderWithStore(createFakeBridge({ status }), <LeasesView ticker={pinned()} />);
    expect(await screen.findByText('The killswitch is engaged: no new leases are granted until it is disengaged.')).toBeInTheDocument();
    expect(screen.getByText('No active leases')).toBeInTheDocument();
  });

  test('locked store: says no new lease is granted', async () => {
    renderWithStore(createFakeBridge({ status: fakeStatus({ locked: true }), leases: [fakeLease(1)] }), <LeasesView ticker={pinned()} />);
    expect(await screen.findByText('The store is locked: no new leases are granted.')).toBeInTheDocument();
    expect(await screen.findByRole('table')).toBeInTheDocument();
  });

  test('the countdowns tick every second without re-rendering a row; a new lease renders only its own row', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let now = T0;
    const ticker = createTicker(() => now);
    const fake = createFakeBridge({ leases: Array.from({ length: 50 }, (_, i) => fakeLease(i, { expires_at: iso(3_540_000 + i * 1000) })) });
    // A window tall enough for every row: this is about what re-renders, not about what is in view.
    viewRows = 60;
    rowRenders.count = 0;
    renderWithStore(fake, <LeasesView ticker={ticker} />);
    await vi.waitFor(() => expect(leaseRows()).toHaveLength(50));
    expect(within(leaseRows()[0]!).getByText('59m 00s')).toBeInTheDocument();
    const afterFirstRender = rowRenders.count;
    expect(afterFirstRender).toBe(50);

    for (let second = 1; second <= 3; second++) {
      now += 1000;
      act(() => vi.advanceTimersByTime(1000));
    }
    expect(within(leaseRows()[0]!).getByText('58m 57s')).toBeInTheDocument();
    expect(rowRenders.count).toBe(afterFirstRender);

    act(() => fake.emit('lease.granted', { lease: fakeLease(999) }));
    expect(leaseRows()).toHaveLength(51);
    expect(rowRenders.count).toBe(afterFirstRender + 1);
  });
});
