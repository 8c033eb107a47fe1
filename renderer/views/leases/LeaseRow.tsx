/**
 * One active lease. Memoised on the lease record, whose identity the store changes only when that
 * lease changes: a new lease, a revocation elsewhere or a second passing never re-renders this row
 * (its Countdown ticks by itself).
 */
import { memo } from 'react';
import type { LeaseInfoT } from '../../../shared/protocol.js';
import { Countdown } from '../../components/Countdown.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { formatTime } from '../../components/format.js';
import { useAction } from '../../components/use-action.js';
import type { Ticker } from '../../store/clock.js';
import { useBridge } from '../../store/bridge.js';

export const LeaseRow = memo(function LeaseRow({ lease, ticker }: { lease: LeaseInfoT; ticker?: Ticker }) {
  const bridge = useBridge();
  // No reload afterwards: the daemon's lease.revoked event removes the row.
  const revoke = useAction(() => bridge['lease.revoke']({ lease_id: lease.lease_id }));
  return (
    <tr>
      <td>{lease.client_id}</td>
      <td className="mono">{lease.launcher ?? <span className="muted">not verified</span>}</td>
      <th scope="row">{lease.secret_name}</th>
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
        <ErrorNote error={revoke.error} />
      </td>
    </tr>
  );
});
