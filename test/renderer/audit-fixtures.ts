/** The audit view's test fixtures: a fake log served the way the daemon pages it, and table readers. */
import { fireEvent, screen, within } from '@testing-library/react';
import { beforeEach, vi } from 'vitest';
import type { AuditEntryT, ParamsOf } from '../../shared/protocol.js';
import { FIRST_PAGE as FIRST_TAIL, PAGE } from '../../renderer/views/audit/timeline-state.js';
import { type FakeBridge, fakeAuditEntry } from './fake-bridge.js';

/** The query for a timeline's first page (small: the first rows show sooner), and for each older one. */
export const FIRST_PAGE = { tail: FIRST_TAIL, newest_first: true };
export const OLDER_PAGE = { tail: PAGE, newest_first: true };

/** Entries 1..n, as the daemon would answer audit.query: newest first, before_id and action applied. */
export function serveLog(fake: FakeBridge, log: AuditEntryT[]) {
  fake.on('audit.query', (p: ParamsOf<'audit.query'>) => ({
    entries: [...log]
      .sort((a, b) => b.id - a.id)
      .filter((e) => (p.before_id === undefined || e.id < p.before_id) && (p.action === undefined || e.action === p.action))
      .slice(0, p.tail ?? 50),
  }));
}

export function logOf(n: number): AuditEntryT[] {
  return Array.from({ length: n }, (_, i) => fakeAuditEntry(i + 1));
}

/** The data rows (not the header), in the order shown. */
export function rows(): HTMLElement[] {
  return within(screen.getByRole('table', { name: /audit log/i })).getAllByRole('row').slice(1);
}

export function idsShown(): string[] {
  return rows().map((row) => within(row).getAllByRole('cell')[0]!.textContent!.match(/#(\d+)/)?.[1] ?? '?');
}

export function scrollTable(top: number) {
  const table = screen.getByRole('table', { name: /audit log/i });
  Object.defineProperty(table, 'scrollTop', { configurable: true, value: top });
  fireEvent.scroll(table);
}

/** jsdom has no layout: give every element a size so the virtualiser renders rows (10 visible). */
export function sizeTheScroller() {
  beforeEach(() => {
    vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(320);
    vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1200);
  });
}

