import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import type { ParamsOf } from '../../shared/protocol.js';
import { AuditView } from '../../renderer/views/AuditView.js';
import { EXPORT_PAGE, exportFileName, fetchAll } from '../../renderer/views/audit/export-jsonl.js';
import { FIRST_PAGE, idsShown, logOf, rows, scrollTable, serveLog, sizeTheScroller } from './audit-fixtures.js';
import { createFakeBridge, fakeAuditEntry } from './fake-bridge.js';
import { renderWithStore } from './render-view.js';

sizeTheScroller();

async function shownWith(n: number) {
  const fake = createFakeBridge();
  const log = logOf(n);
  serveLog(fake, log);
  renderWithStore(fake, <AuditView />);
  await waitFor(() => expect(idsShown()[0]).toBe(String(n)));
  return { fake, log };
}

describe('live tail', () => {
  test('a matching new entry is prepended; one the filters exclude is ignored', async () => {
    const { fake } = await shownWith(2);
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Action' }), 'lease.granted');
    await waitFor(() => expect(fake.callsOf('audit.query')).toHaveLength(2));
    await waitFor(() => expect(idsShown()).toEqual(['2', '1']));
    fake.emit('audit.appended', { entry: fakeAuditEntry(3, { action: 'lease.revoked' }) });
    fake.emit('audit.appended', { entry: fakeAuditEntry(4) });
    await waitFor(() => expect(idsShown()).toEqual(['4', '2', '1']));
    expect(screen.queryByRole('button', { name: /new entr/ })).toBeNull();
  });

  test('paused: new entries wait, counted, until "jump to newest"', async () => {
    const { fake } = await shownWith(2);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Live' }));
    fake.emit('audit.appended', { entry: fakeAuditEntry(3) });
    fake.emit('audit.appended', { entry: fakeAuditEntry(3) });
    const jump = await screen.findByRole('button', { name: '1 new entry — jump to newest' });
    expect(idsShown()).toEqual(['2', '1']);
    await userEvent.click(jump);
    await waitFor(() => expect(idsShown()).toEqual(['3', '2', '1']));
    expect(screen.queryByRole('button', { name: /jump to newest/ })).toBeNull();
  });

  test('scrolled away from the top: what is being read does not move', async () => {
    const { fake } = await shownWith(100);
    scrollTable(32 * 40);
    const before = idsShown();
    fake.emit('audit.appended', { entry: fakeAuditEntry(101) });
    fake.emit('audit.appended', { entry: fakeAuditEntry(102) });
    expect(await screen.findByRole('button', { name: '2 new entries — jump to newest' })).toBeInTheDocument();
    expect(idsShown()).toEqual(before);
    scrollTable(0);
    await waitFor(() => expect(idsShown().slice(0, 3)).toEqual(['102', '101', '100']));
  });
});

describe('chain verification', () => {
  test('intact: says how many entries were checked', async () => {
    const { fake } = await shownWith(3);
    fake.on('audit.verify', () => ({ ok: true, checked: 3, first_bad: null }));
    await userEvent.click(screen.getByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByText('Chain intact: 3 entries checked')).toBeInTheDocument();
    expect(fake.callsOf('audit.verify')).toEqual([{}]);
  });

  test('broken: names the entry; its link loads, scrolls to and focuses it', async () => {
    const { fake } = await shownWith(40);
    fake.on('audit.verify', () => ({ ok: false, checked: 4, first_bad: { id: 5, reason: 'the entry was edited' } }));
    await userEvent.click(screen.getByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByText(/Chain broken at entry/)).toHaveTextContent('Chain broken at entry #5: the entry was edited');
    await userEvent.click(screen.getByRole('button', { name: 'Show entry #5' }));
    await waitFor(() => expect(idsShown()).toEqual(['5', '4', '3', '2', '1']));
    expect(fake.callsOf('audit.query').at(-1)).toEqual({ before_id: 6, ...FIRST_PAGE });
    const row = rows()[0]!;
    await waitFor(() => expect(row).toHaveFocus());
    expect(row).toHaveAttribute('aria-current', 'true');
    await userEvent.click(screen.getByRole('button', { name: 'Showing entry #5 and older — jump to newest' }));
    await waitFor(() => expect(idsShown()[0]).toBe('40'));
  });

  test('failed: the error and hint next to the button, with Retry', async () => {
    const { fake } = await shownWith(1);
    fake.fail('audit.verify', 'STORE_LOCKED', 'the store is locked', 'unlock it first');
    await userEvent.click(screen.getByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the store is locked — unlock it first');
    fake.on('audit.verify', () => ({ ok: true, checked: 1, first_bad: null }));
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Chain intact: 1 entry checked')).toBeInTheDocument();
  });
});

describe('export as JSONL', () => {
  function captureDownload() {
    const blobs: Blob[] = [];
    const names: string[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => (blobs.push(blob), 'blob:audit'));
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    return { blobs, names };
  }

  test('saves the entries matching the filters, oldest first, one JSON object a line', async () => {
    const download = captureDownload();
    const { fake, log } = await shownWith(3);
    await userEvent.click(screen.getByRole('button', { name: 'Export JSONL' }));
    const file = exportFileName(new Date());
    expect(await screen.findByText(`Exported 3 entries, oldest first, to ${file}`)).toBeInTheDocument();
    expect(download.names).toEqual([file]);
    expect(file).toMatch(/^agent-secrets-audit-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const lines = (await download.blobs[0]!.text()).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual(log);
    expect(fake.callsOf('audit.query').at(-1)).toEqual({ tail: EXPORT_PAGE, newest_first: true });
  });

  test('a failure is shown next to the button, with Retry', async () => {
    captureDownload();
    const { fake } = await shownWith(1);
    fake.fail('audit.query', 'INTERNAL', 'internal error', 'see the app log');
    await userEvent.click(screen.getByRole('button', { name: 'Export JSONL' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('internal error — see the app log');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  test('fetchAll walks the pages by before_id with the filters, counting as it goes', async () => {
    const calls: ParamsOf<'audit.query'>[] = [];
    const total = EXPORT_PAGE * 2 + 7;
    const query = async (p: ParamsOf<'audit.query'>) => {
      calls.push(p);
      const top = p.before_id === undefined ? total : p.before_id - 1;
      return { entries: Array.from({ length: Math.min(p.tail!, top) }, (_, i) => fakeAuditEntry(top - i)) };
    };
    const counts: number[] = [];
    const entries = await fetchAll(query, { action: 'lease.granted' }, (n) => counts.push(n));
    expect(calls).toEqual([
      { action: 'lease.granted', tail: EXPORT_PAGE, newest_first: true },
      { action: 'lease.granted', tail: EXPORT_PAGE, newest_first: true, before_id: total - EXPORT_PAGE + 1 },
      { action: 'lease.granted', tail: EXPORT_PAGE, newest_first: true, before_id: total - 2 * EXPORT_PAGE + 1 },
    ]);
    expect(counts).toEqual([EXPORT_PAGE, 2 * EXPORT_PAGE, total]);
    expect(entries.map((e) => e.id)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });
});
