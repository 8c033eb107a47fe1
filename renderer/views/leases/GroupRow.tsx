/**
 * The cells of a client's group header row: the client and how many leases it holds, with the button
 * that revokes all of them (`lease.revoke {client_id}`). The `<tr>` and the `<tbody>` that makes this a
 * row group belong to the table (see LeaseRow for why).
 */
import { memo } from 'react';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';
import { RowError } from './RowError.js';

/** The header spans the columns before the last two; the button sits under "Expires in" and the actions. */
export const GroupRow = memo(function GroupRow({ clientId, count }: { clientId: string; count: number }) {
  const bridge = useBridge();
  const revoke = useAction(() => bridge['lease.revoke']({ client_id: clientId }));
  return (
    <>
      <th scope="rowgroup" colSpan={4} title={clientId}>
        {clientId} <span className="muted">· {count === 1 ? '1 lease' : `${count} leases`}</span>
      </th>
      <td colSpan={2} className="group-actions">
        <button type="button" className="danger-quiet" disabled={revoke.busy} onClick={() => void revoke.run()}>
          Revoke {clientId}'s leases
        </button>
        <RowError error={revoke.error} />
      </td>
    </>
  );
});
