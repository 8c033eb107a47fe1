/**
 * A client's leases: a group header row naming the client, with the button that revokes all of that
 * client's leases (`lease.revoke {client_id}`), over one memoised row per lease.
 */
import { memo } from 'react';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useAction } from '../../components/use-action.js';
import type { Ticker } from '../../store/clock.js';
import { useBridge } from '../../store/bridge.js';
import type { ClientLeases } from './group-leases.js';
import { LeaseRow } from './LeaseRow.js';

export const COLUMNS = ['Client', 'Verified launcher', 'Secret', 'Granted', 'Expires in'] as const;

export const ClientGroup = memo(function ClientGroup({ group, ticker }: { group: ClientLeases; ticker?: Ticker }) {
  const bridge = useBridge();
  const revoke = useAction(() => bridge['lease.revoke']({ client_id: group.clientId }));
  const count = group.leases.length;
  return (
    <tbody>
      <tr className="lease-group">
        <th scope="rowgroup" colSpan={COLUMNS.length}>
          {group.clientId} <span className="muted">· {count === 1 ? '1 lease' : `${count} leases`}</span>
        </th>
        <td>
          <button type="button" className="danger-quiet" disabled={revoke.busy} onClick={() => void revoke.run()}>
            Revoke {group.clientId}'s leases
          </button>
          <ErrorNote error={revoke.error} />
        </td>
      </tr>
      {group.leases.map((lease) => (
        <LeaseRow key={lease.lease_id} lease={lease} ticker={ticker} />
      ))}
    </tbody>
  );
});
