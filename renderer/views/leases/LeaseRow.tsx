/**
 * One active lease's cells. Memoised on the lease record, whose identity the store changes only when
 * that lease changes: a new lease, a revocation elsewhere or a second passing never re-renders these
 * cells (the Countdown ticks by itself). The `<tr>` around them belongs to the table, which numbers it
 * (aria-rowindex) as rows are windowed in and out; a row shifting down one place re-renders that
 * cheap element, not these cells.
 *
 * The row has a fixed height (the virtualiser's ROW_HEIGHT): cells keep to one line and cut long text
 * with an ellipsis, the full text in a tooltip.
 */
import { memo } from 'react';
import type { LeaseInfoT } from '../../../shared/protocol.js';
import { Countdown } from '../../components/Countdown.js';
import { formatTime } from '../../components/format.js';
import { useAction } from '../../components/use-action.js';
import type { Ticker } from '../../store/clock.js';
import { useBridge } from '../../store/bridge.js';
import { RowError } from './RowError.js';

export const LeaseRow = memo(function LeaseRow({ lease, ticker }: { lease: LeaseInfoT; ticker?: Ticker }) {
  const bridge = useBridge();
  // No reload afterwards: the daemon's lease.revoked event removes the row.
  const revoke = useAction(() => bridge['lease.revoke']({ lease_id: lease.lease_id }));
  return (
    <>
      <td title={lease.client_id}>{lease.client_id}</td>
      <td className="mono" title={lease.launcher ?? undefined}>
        {lease.launcher ?? <span className="muted">not verified</span>}
      </td>
      <th scope="row" title={lease.secret_name}>
        {lease.secret_name}
      </th>
      <td>
        <time dateTime={lease.created_at}>{formatTime(lease.created_at)}</time>
      </td>
      <td>
        <Countdown until={lease.expires_at} label="Expires in" ticker={ticker} />
      </td>
      <td>
        <button type="button" className="danger-quiet" disabled={revoke.busy} aria-label={`Revoke ${lease.secret_name} lease of ${lease.client_id}`} onClick={() => void revoke.run()}>
          Revoke
        </button>
        <RowError error={revoke.error} />
      </td>
    </>
  );
});
