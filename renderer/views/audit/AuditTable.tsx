/**
 * The timeline as a virtualised table: a fixed row height, so 100,000 rows cost what the visible ones
 * cost. The scroll container is the table itself, focusable: the arrow keys, Page Up/Down, Home and End
 * select an entry (AuditEntryDetail shows it in full), Escape lets go; the header row sticks inside it so
 * both scroll sideways together. Nearing the end of what is loaded asks for the
 * next older page; being at the top or not is reported, since only there may new entries appear.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type UIEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { AuditEntryT } from '../../../shared/protocol.js';
import { AuditRow, COLUMNS } from './AuditRow.js';

/** Must match `.audit-row` height in styles.css. */
export const ROW_HEIGHT = 32;
/**
 * How many rows before the end of the loaded ones the next page is asked for: more than the first
 * page, so the second is asked for as soon as the first shows, and ~10,000 px of rows ahead after that.
 */
export const NEAR_END = 300;
/**
 * Rows rendered beyond each edge of the viewport. Few: a fast scroll jumps past them anyway, and each
 * one is DOM built and laid out on every scroll step.
 */
const OVERSCAN = 4;

/** Scroll to the top (`id` null) or to an entry, focusing it; `seq` makes each request new. */
export interface ScrollRequest {
  id: number | null;
  seq: number;
}

interface Props {
  entries: readonly AuditEntryT[];
  complete: boolean;
  /** Asking for the next older page: on its way, or failed (the view shows why, with Retry). */
  older: { loading: boolean; error: unknown };
  onNearEnd: () => void;
  onAtTopChange: (atTop: boolean) => void;
  scrollRequest: ScrollRequest | null;
  /** The entry shown in full below (a click or the keys choose it; null: none). */
  selectedId: number | null;
  onSelect: (id: number | null) => void;
}

export function AuditTable({ entries, complete, older, onNearEnd, onAtTopChange, scrollRequest, selectedId, onSelect }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const count = entries.length + (complete ? 0 : 1);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    // The header row sits above the rows inside the scroller.
    scrollMargin: ROW_HEIGHT,
    overscan: OVERSCAN,
    // No getItemKey: item keys only matter to measured sizes, and a function made per render would make
    // the virtualiser recompute every loaded row's offset on every scroll step. Rows are keyed by id below.
  });
  const items = virtualizer.getVirtualItems();
  const canLoadOlder = !older.loading && older.error === null;

  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (!complete && canLoadOlder && entries.length > 0 && lastIndex >= entries.length - NEAR_END) onNearEnd();
  }, [lastIndex, entries.length, complete, canLoadOlder, onNearEnd]);

  const atTop = useRef(true);
  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const now = event.currentTarget.scrollTop < ROW_HEIGHT / 2;
    if (now !== atTop.current) onAtTopChange((atTop.current = now));
  };

  // A request waits until its entry is loaded (a jump loads the page that starts at it).
  const [focusId, setFocusId] = useState<number | null>(null);
  const served = useRef(-1);
  useEffect(() => {
    if (scrollRequest === null || served.current === scrollRequest.seq) return;
    if (scrollRequest.id === null) {
      served.current = scrollRequest.seq;
      virtualizer.scrollToOffset(0);
      return;
    }
    const target = scrollRequest.id;
    const index = entries.findIndex((e) => e.id <= target);
    if (index < 0) return;
    served.current = scrollRequest.seq;
    virtualizer.scrollToIndex(index, { align: 'start' });
    setFocusId(entries[index]!.id);
  }, [scrollRequest, entries, virtualizer]);
  const focused = useCallback(() => setFocusId(null), []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape' && selectedId !== null) return (event.preventDefault(), onSelect(null));
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 0) / ROW_HEIGHT) - 2);
    const from = selectedId === null ? -1 : entries.findIndex((e) => e.id === selectedId);
    // Nothing selected yet (or it left with a reload): a move picks the first row in view.
    const inView = items.find((item) => item.start - ROW_HEIGHT >= (scroller.current?.scrollTop ?? 0))?.index ?? 0;
    const moves: Record<string, number> = from < 0 ? { ArrowDown: inView, ArrowUp: inView, PageDown: inView, PageUp: inView } : { ArrowDown: from + 1, ArrowUp: from - 1, PageDown: from + page, PageUp: from - page };
    const to = { ...moves, Home: 0, End: entries.length - 1 }[event.key];
    if (to === undefined || entries.length === 0) return;
    event.preventDefault();
    const index = Math.min(Math.max(to, 0), entries.length - 1);
    onSelect(entries[index]!.id);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  };

  return (
    <div
      ref={scroller}
      className="virtual-scroller audit-table"
      role="table"
      aria-label="Audit log, newest first"
      aria-rowcount={complete ? entries.length + 1 : -1}
      tabIndex={0}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup" className="audit-head">
        <div role="row" aria-rowindex={1} className="audit-row">
          {COLUMNS.map((name) => (
            <span key={name} role="columnheader">
              {name}
            </span>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="audit-body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const entry = entries[item.index];
          const top = item.start - ROW_HEIGHT;
          if (entry === undefined) {
            return (
              <div key="older" role="row" aria-rowindex={item.index + 2} className="audit-row audit-more" style={{ top }}>
                <span role="cell" className="muted">
                  {older.loading ? 'Loading older entries…' : older.error === null ? 'Older entries load as you scroll' : 'Older entries could not be loaded'}
                </span>
              </div>
            );
          }
          // Keyed by slot, not by entry: a row scrolled out is reused for the row scrolled in (React moves
          // it and changes its text) instead of one row destroyed and one built per row a scroll step
          // passes — a fast flick passes thirty a frame. The DOM keeps the rows' order.
          return <AuditRow key={item.index % items.length} entry={entry} rowIndex={item.index + 2} top={top} selected={entry.id === selectedId} onSelect={onSelect} focus={entry.id === focusId} onFocused={focused} />;
        })}
      </div>
    </div>
  );
}
