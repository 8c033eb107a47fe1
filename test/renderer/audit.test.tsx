import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { AuditView } from '../../renderer/views/AuditView.js';
import { NEAR_END } from '../../renderer/views/audit/AuditTable.js';
import { FIRST_PAGE, OLDER_PAGE, idsShown, logOf, rows, scrollTable, serveLog, sizeTheScroller } from './audit-fixtures.js';
import { createFakeBridge, fakeAuditEntry, fakeStatus } from './fake-bridge.js';
import { renderWithStore } from './render-view.js';

sizeTheScroller();


describe('the audit timeline', () => {
  test('loading: says so until the first page arrives', () => {
    const fake = createFakeBridge();
    fake.hang('audit.query');
    renderWithStore(fake, <AuditView />);
    expect(screen.getByText('Loading the audit log…')).toHaveAttribute('role', 'status');
  });

  test('error: the reason and hint where the timeline goes; Retry asks again', async () => {
    const fake = createFakeBridge();
    fake.fail('audit.query', 'DAEMON_NOT_RUNNING', 'the daemon is not running', 'start the app again');
    renderWithStore(fake, <AuditView />);
    expect(await screen.findByRole('alert')).toHaveTextContent('the daemon is not running — start the app again');
    serveLog(fake, logOf(3));
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(idsShown()).toEqual(['3', '2', '1']));
    expect(fake.callsOf('audit.query')).toEqual([FIRST_PAGE, FIRST_PAGE]);
  });

  test('empty log: what will be here, and the CLI way to read it', async () => {
    const fake = createFakeBridge({ audit: [] });
    renderWithStore(fake, <AuditView />);
    expect(await screen.findByText('Every lease, approval and change is recorded here')).toBeInTheDocument();
    expect(screen.getByText('secrets audit --follow')).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });

  test('populated: newest first, one row per entry with its cells, the whole log counted', async () => {
    const fake = createFakeBridge();
    serveLog(fake, [
      fakeAuditEntry(1, { action: 'secret.added', client_id: null, lease_id: null, detail: null }),
      fakeAuditEntry(2),
      fakeAuditEntry(3, { action: 'admin.denied', outcome: 'denied', secret_name: null, lease_id: null, detail: { method: 'secrets.add', reason: 'ADMIN_REQUIRED' } }),
    ]);
    renderWithStore(fake, <AuditView />);
    await waitFor(() => expect(idsShown()).toEqual(['3', '2', '1']));
    const table = screen.getByRole('table', { name: 'Audit log, newest first' });
    expect(table).toHaveAttribute('aria-rowcount', '4');
    expect(table).toHaveAttribute('tabindex', '0');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Time', 'Action', 'Outcome', 'Client', 'Secret', 'Lease', 'Detail']);
    const cells = (row: HTMLElement) => within(row).getAllByRole('cell').slice(1).map((c) => c.textContent);
    expect(cells(rows()[0]!)).toEqual(['admin.denied', 'denied', 'claude-code', '', '', 'method=secrets.add reason=ADMIN_REQUIRED']);
    expect(cells(rows()[1]!)).toEqual(['lease.granted', 'ok', 'claude-code', 'github_token', 'L-000000000002', 'ttl=1h']);
    expect(cells(rows()[2]!)).toEqual(['secret.added', 'ok', '', 'github_token', '', '']);
    expect(fake.callsOf('audit.query')).toEqual([FIRST_PAGE]);
  });

  test('locked: the killswitch is said, and the timeline still reads and filters', async () => {
    const fake = createFakeBridge({ status: fakeStatus({ locked: true, killswitch: { engaged: true, changed_at: null, reason: 'panic' } }) });
    serveLog(fake, logOf(2));
    renderWithStore(fake, <AuditView />);
    await waitFor(() => expect(idsShown()).toEqual(['2', '1']));
    expect(screen.getByText(/killswitch is engaged/)).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Action' }), 'lease.revoked');
    await waitFor(() => expect(fake.callsOf('audit.query')).toHaveLength(2));
    expect(fake.callsOf('audit.query')[1]).toEqual({ action: 'lease.revoked', ...FIRST_PAGE });
  });
});

describe('filters', () => {
  test('typing is debounced into one query with exactly the filters given', async () => {
    const fake = createFakeBridge();
    serveLog(fake, logOf(3));
    renderWithStore(fake, <AuditView />);
    await waitFor(() => expect(rows()).toHaveLength(3));
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Action' }), 'lease.granted');
    await userEvent.type(screen.getByRole('textbox', { name: 'Client' }), 'claude-code');
    await userEvent.type(screen.getByRole('textbox', { name: 'Secret' }), ' github_token ');
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search' }), '50%_off');
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-28T12:00' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-28T12:30' } });
    await waitFor(() => expect(fake.callsOf('audit.query')).toHaveLength(2));
    expect(fake.callsOf('audit.query')[1]).toEqual({
      action: 'lease.granted',
      client_id: 'claude-code',
      secret_name: 'github_token',
      text: '50%_off',
      from: new Date('2026-11-28T12:00').toISOString(),
      until: new Date(Date.parse('2026-11-28T12:30') + 59_999).toISOString(),
      ...FIRST_PAGE,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsOf('audit.query')).toHaveLength(2);
  });

  test('a backwards time range is said next to the fields and not asked for', async () => {
    const fake = createFakeBridge();
    serveLog(fake, logOf(1));
    renderWithStore(fake, <AuditView />);
    await waitFor(() => expect(rows()).toHaveLength(1));
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-28T12:00' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-28T11:00' } });
    expect(await screen.findByRole('alert')).toHaveTextContent('“To” is before “From”');
    expect(screen.getByLabelText('To')).toHaveAttribute('aria-invalid', 'true');
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsOf('audit.query')).toEqual([FIRST_PAGE]);
  });

  test('nothing matches: says so, and Clear filters shows the whole log again', async () => {
    const fake = createFakeBridge();
    serveLog(fake, logOf(2));
    renderWithStore(fake, <AuditView />);
    await waitFor(() => expect(rows()).toHaveLength(2));
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Action' }), 'killswitch.engaged');
    expect(await screen.findByText('No entries match')).toBeInTheDocument();
    const empty = screen.getByText('No entries match').parentElement!;
    await userEvent.click(within(empty).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.getByRole('combobox', { name: 'Action' })).toHaveValue('');
    expect(fake.callsOf('audit.query')).toEqual([FIRST_PAGE, { action: 'killswitch.engaged', ...FIRST_PAGE }, FIRST_PAGE]);
  });
});

describe('paging', () => {
  test('a small first page, the next older one asked for at once, then each one NEAR_END rows before the loaded ones run out', async () => {
    const fake = createFakeBridge();
    serveLog(fake, logOf(2500));
    renderWithStore(fake, <AuditView />);
    await waitFor(() => expect(idsShown()[0]).toBe('2500'));
    const table = screen.getByRole('table', { name: /audit log/i });
    expect(table).toHaveAttribute('aria-rowcount', '-1');
    // 100 rows loaded: fewer than NEAR_END ahead, so the next page is asked for before any scrolling.
    await waitFor(() => expect(fake.callsOf('audit.query')).toEqual([FIRST_PAGE, { ...OLDER_PAGE, before_id: 2401 }]));
    await waitFor(() => expect(table).toHaveAttribute('aria-rowcount', '-1'));
    let loaded = FIRST_PAGE.tail + OLDER_PAGE.tail;
    const asked = [2401];
    // Each older page starts below the oldest loaded entry, until one comes back short.
    const next = Array.from({ length: Math.ceil((2400 - OLDER_PAGE.tail) / OLDER_PAGE.tail) }, (_, i) => 2401 - (i + 1) * OLDER_PAGE.tail);
    for (const before of next) {
      await waitFor(() => expect(fake.callsOf('audit.query')).toHaveLength(asked.length + 1));
      // Not yet: the last rendered row is short of NEAR_END rows before the end.
      scrollTable(32 * (loaded - NEAR_END - 30));
      await new Promise((r) => setTimeout(r, 20));
      expect(fake.callsOf('audit.query')).toHaveLength(asked.length + 1);
      scrollTable(32 * (loaded - NEAR_END));
      asked.push(before);
      await waitFor(() => expect(fake.callsOf('audit.query')).toEqual([FIRST_PAGE, ...asked.map((id) => ({ ...OLDER_PAGE, before_id: id }))]));
      loaded += OLDER_PAGE.tail;
    }
    // The last page held fewer than asked for: the whole log is loaded, and counted.
    await waitFor(() => expect(table).toHaveAttribute('aria-rowcount', '2501'));
    scrollTable(32 * 2490);
    await waitFor(() => expect(idsShown()).toContain('1'));
    expect(fake.callsOf('audit.query')).toHaveLength(2 + next.length);
  });
});

describe('one entry in full', () => {
  const LONG = { reason: 'x'.repeat(150), launcher: '/usr/bin/node /srv/agent.js', by: { pid: 42 } };

  test('the arrow keys choose an entry and show it whole, the detail the row cuts short included; Escape lets go', async () => {
    const fake = createFakeBridge();
    serveLog(fake, [fakeAuditEntry(1), fakeAuditEntry(2, { detail: LONG }), fakeAuditEntry(3)]);
    renderWithStore(fake, <AuditView />);
    await waitFor(() => expect(idsShown()).toEqual(['3', '2', '1']));
    expect(within(rows()[1]!).getAllByRole('cell')[6]!.textContent!.length).toBeLessThan(130);
    expect(screen.queryByRole('region', { name: /^Entry #/ })).toBeNull();

    screen.getByRole('table', { name: /audit log/i }).focus();
    await userEvent.keyboard('{ArrowDown}');
    expect(screen.getByRole('region', { name: 'Entry #3' })).toBeInTheDocument();
    expect(rows()[0]).toHaveAttribute('aria-current', 'true');
    await userEvent.keyboard('{ArrowDown}');
    const entry = screen.getByRole('region', { name: 'Entry #2' });
    expect(rows()[1]).toHaveAttribute('aria-current', 'true');
    expect(rows()[0]).not.toHaveAttribute('aria-current');
    expect(within(entry).getByText('L-000000000002')).toBeInTheDocument();
    expect(JSON.parse(within(entry).getByText(/"reason"/).textContent!)).toEqual(LONG);
    expect(within(entry).getByText('Entry 2: lease.granted, ok, client claude-code')).toBeInTheDocument();

    await userEvent.keyboard('{End}');
    expect(screen.getByRole('region', { name: 'Entry #1' })).toBeInTheDocument();
    await userEvent.keyboard('{ArrowDown}');
    expect(screen.getByRole('region', { name: 'Entry #1' }), 'stays on the last').toBeInTheDocument();
    await userEvent.keyboard('{Home}');
    expect(screen.getByRole('region', { name: 'Entry #3' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: /^Entry #/ })).toBeNull();
    expect(rows().some((row) => row.hasAttribute('aria-current'))).toBe(false);
  });

  test('a click chooses an entry too, and Close lets go', async () => {
    const fake = createFakeBridge();
    serveLog(fake, logOf(3));
    renderWithStore(fake, <AuditView />);
    await waitFor(() => expect(idsShown()).toEqual(['3', '2', '1']));
    await userEvent.click(within(rows()[2]!).getAllByRole('cell')[1]!);
    expect(screen.getByRole('region', { name: 'Entry #1' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('region', { name: /^Entry #/ })).toBeNull();
  });
});
