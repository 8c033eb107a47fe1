/**
 * The leases as one virtualised table: the groups flattened into one list (a client's header row, then
 * its lease rows), and only the rows in view (plus a few either side) in the DOM, so a thousand leases
 * cost what thirty do — to render first, and on every tick, since only the countdowns in view exist.
 *
 * It stays a real <table>: rows of a fixed height (ROW_HEIGHT, matched in styles.css), the rows out of
 * view replaced by one spacer row above and one below (aria-hidden) of their height, and
 * aria-rowcount / aria-rowindex so assistive technology knows the whole table's size. Columns have set
 * widths (table-layout: fixed) so they do not jump as different rows scroll in. The scroll container is
 * focusable, so the keyboard scrolls it; the column headers stick to its top.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactElement, useCallback, useMemo, useRef } from 'react';
import { ColumnHeads } from '../../components/ColumnHeads.js';
import type { Ticker } from '../../store/clock.js';
import { GroupRow } from './GroupRow.js';
import { type ClientLeases, flattenGroups, itemKey } from './group-leases.js';
import { LeaseRow } from './LeaseRow.js';

export const COLUMNS = ['Client', 'Verified launcher', 'Secret', 'Granted', 'Expires in'] as const;
/** Must match the `.leases-table tr` height in styles.css. */
export const ROW_HEIGHT = 36;
/**
 * The scroller's size before it is first measured: the first render then already holds the rows that
 * fill a typical window, instead of waiting a frame for the measurement to find out.
 */
const INITIAL_RECT = { width: 1000, height: 720 };

export function LeaseTable({ groups, ticker }: { groups: readonly ClientLeases[]; ticker?: Ticker }) {
  const scroller = useRef<HTMLDivElement>(null);
  const items = useMemo(() => flattenGroups(groups), [groups]);
  const getItemKey = useCallback((index: number) => itemKey(items[index]!), [items]);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    // The column header row sits above the body rows inside the scroller.
    scrollMargin: ROW_HEIGHT,
    overscan: 8,
    initialRect: INITIAL_RECT,
    getItemKey,
  });
  const visible = virtualizer.getVirtualItems();
  const first = visible[0];
  const last = visible.at(-1);
  const above = first === undefined ? 0 : first.start - ROW_HEIGHT;
  const below = last === undefined ? 0 : virtualizer.getTotalSize() - (last.end - ROW_HEIGHT);

  // Consecutive visible rows of one client share a <tbody>, the row group its header row names.
  const chunks: { clientId: string; rows: ReactElement[] }[] = [];
  for (const { index } of visible) {
    const item = items[index]!;
    const clientId = item.kind === 'group' ? item.group.clientId : item.lease.client_id;
    if (chunks.at(-1)?.clientId !== clientId) chunks.push({ clientId, rows: [] });
    chunks.at(-1)!.rows.push(
      <tr key={itemKey(item)} aria-rowindex={index + 2} className={item.kind === 'group' ? 'lease-group' : undefined}>
        {item.kind === 'group' ? <GroupRow clientId={clientId} count={item.group.leases.length} /> : <LeaseRow lease={item.lease} ticker={ticker} />}
      </tr>,
    );
  }

  return (
    <div ref={scroller} className="virtual-scroller leases-scroller" role="region" aria-label="Lease table" tabIndex={0}>
      <table className="data leases-table" aria-rowcount={items.length + 1}>
        <caption className="visually-hidden">Active leases by client, soonest expiry first</caption>
        <colgroup>
          {[...COLUMNS, 'Actions'].map((column) => (
            <col key={column} />
          ))}
        </colgroup>
        <thead>
          <ColumnHeads columns={COLUMNS} rowIndex={1} />
        </thead>
        <Spacer height={above} />
        {chunks.map((chunk) => (
          <tbody key={chunk.clientId}>{chunk.rows}</tbody>
        ))}
        <Spacer height={below} />
      </table>
    </div>
  );
}

/** Stands in for the rows out of view, so the scrollbar and the rows' positions are those of the whole table. */
function Spacer({ height }: { height: number }) {
  if (height <= 0) return null;
  return (
    <tbody aria-hidden="true" className="leases-spacer">
      <tr>
        <td colSpan={COLUMNS.length + 1} style={{ height }} />
      </tr>
    </tbody>
  );
}
