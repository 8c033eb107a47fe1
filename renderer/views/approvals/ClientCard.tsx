/**
 * One client and its grants: what it may lease (listed secrets or all), for how long, from which
 * launcher, and where the grant came from; revoke one grant, or forget the client altogether.
 */
import { memo, useId } from 'react';
import type { ClientGrantT } from '../../../shared/protocol.js';
import { ColumnHeads } from '../../components/ColumnHeads.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { formatTime } from '../../components/format.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';

const GRANT_COLUMNS = ['Secrets', 'Max lease time', 'Expires', 'Launcher', 'Source', 'State'] as const;

const GrantRow = memo(function GrantRow({ grant }: { grant: ClientGrantT }) {
  const bridge = useBridge();
  const revoke = useAction(() => bridge['clients.revoke']({ grant_id: grant.grant_id }));
  return (
    <tr>
      <td>
        {grant.secrets === null
          ? 'all secrets'
          : grant.secrets.map((name) => (
              <span key={name} className="tag mono">
                {name}
              </span>
            ))}
      </td>
      <td>{grant.max_ttl ?? 'no limit'}</td>
      <td>{grant.expires_at === null ? 'until revoked' : formatTime(grant.expires_at)}</td>
      <td className="mono">{grant.launcher ?? 'any launcher'}</td>
      <td>{grant.source}</td>
      <td>{grant.active ? <span className="pill ok">active</span> : <span className="pill">inactive</span>}</td>
      <td>
        {grant.active && (
          <button type="button" className="danger-quiet" disabled={revoke.busy} aria-label={`Revoke grant ${grant.grant_id}`} onClick={() => void revoke.run()}>
            Revoke
          </button>
        )}
        <ErrorNote error={revoke.error} />
      </td>
    </tr>
  );
});

export const ClientCard = memo(function ClientCard({ clientId, grants }: { clientId: string; grants: readonly ClientGrantT[] }) {
  const bridge = useBridge();
  const heading = useId();
  const forget = useAction(() => bridge['clients.forget']({ client_id: clientId }));
  return (
    <article className="client-card" aria-labelledby={heading}>
      <div className="toolbar">
        <h3 id={heading} className="mono">
          {clientId}
        </h3>
        <span className="spacer" />
        <ConfirmButton
          label={`Forget ${clientId}`}
          confirmLabel={`Forget ${clientId}`}
          question={`Revoke every grant of ${clientId} and end its leases?`}
          disabled={forget.busy}
          onConfirm={() => void forget.run()}
        />
      </div>
      <ErrorNote error={forget.error} />
      <table className="data">
        <caption className="visually-hidden">Grants of {clientId}</caption>
        <thead>
          <ColumnHeads columns={GRANT_COLUMNS} />
        </thead>
        <tbody>
          {grants.map((grant) => (
            <GrantRow key={grant.grant_id} grant={grant} />
          ))}
        </tbody>
      </table>
    </article>
  );
});

/** Grants grouped by client, clients in the order the daemon first lists them. */
export function byClient(grants: readonly ClientGrantT[]): [string, ClientGrantT[]][] {
  const groups = new Map<string, ClientGrantT[]>();
  for (const grant of grants) {
    const group = groups.get(grant.client_id);
    if (group === undefined) groups.set(grant.client_id, [grant]);
    else group.push(grant);
  }
  return [...groups];
}
