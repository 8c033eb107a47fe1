/**
 * One secret: its metadata (never its value) and what the person can do with it — replace the value,
 * rotate it now, delete it. Memoised on the record and its lease count, so a lease of another secret
 * or a second passing does not re-render it.
 */
import { memo, useState } from 'react';
import type { SecretMetaT } from '../../../shared/protocol.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { formatTime } from '../../components/format.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';
import { ReplaceValueForm } from './ReplaceValueForm.js';
import { RotateNow } from './RotateNow.js';

export const COLUMNS = ['Name', 'Description', 'Created', 'Updated', 'Rotation hook', 'Last rotated', 'Active leases'] as const;

export const SecretRow = memo(function SecretRow({ secret, leases, onNotice }: { secret: SecretMetaT; leases: number; onNotice: (text: string) => void }) {
  const bridge = useBridge();
  const [replacing, setReplacing] = useState(false);
  const remove = useAction(async () => {
    const result = await bridge['secrets.remove']({ name: secret.name });
    onNotice(`Deleted ${result.name}; revoked ${result.revoked_leases} ${result.revoked_leases === 1 ? 'lease' : 'leases'}.`);
  });
  const name = secret.name;
  return (
    <>
      <tr>
        <th scope="row" className="mono">
          {name}
        </th>
        <td>{secret.description ?? <span className="muted">—</span>}</td>
        <td>
          <time dateTime={secret.created_at}>{formatTime(secret.created_at)}</time>
        </td>
        <td>
          <time dateTime={secret.updated_at}>{formatTime(secret.updated_at)}</time>
        </td>
        <td>{secret.rotate_via === null ? <span className="muted">none</span> : <code className="rotate-hook">{secret.rotate_via}</code>}</td>
        <td>{secret.last_rotated_at === null ? <span className="muted">never</span> : <time dateTime={secret.last_rotated_at}>{formatTime(secret.last_rotated_at)}</time>}</td>
        <td className="num">{leases}</td>
        <td className="secret-actions">
          <button type="button" aria-expanded={replacing} onClick={() => setReplacing(!replacing)}>
            Replace value
          </button>
          <RotateNow name={name} hasHook={secret.rotate_via !== null} />
          <ConfirmButton
            label="Delete"
            confirmLabel={`Delete ${name}`}
            question={leases > 0 ? `Delete ${name} and revoke its ${leases} active ${leases === 1 ? 'lease' : 'leases'}?` : `Delete ${name}? Its value cannot be recovered.`}
            disabled={remove.busy}
            onConfirm={() => void remove.run()}
          />
          <ErrorNote error={remove.error} />
        </td>
      </tr>
      {replacing && (
        <tr className="replace-row">
          <td colSpan={COLUMNS.length + 1}>
            <ReplaceValueForm
              name={name}
              onDone={(replaced) => {
                setReplacing(false);
                if (replaced) onNotice(`Replaced the value of ${name}.`);
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
});
