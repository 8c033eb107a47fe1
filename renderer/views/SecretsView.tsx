/**
 * The Secrets tab: every secret's metadata (never a value: there is no "reveal" anywhere in the
 * window), live through `secret.changed` events, with add, replace value, rotate now and delete.
 * Values are typed into masked fields only and cleared after each submit.
 */
import { useCallback, useState } from 'react';
import type { SecretMetaT } from '../../shared/protocol.js';
import { ColumnHeads } from '../components/ColumnHeads.js';
import { EmptyState } from '../components/EmptyState.js';
import { Loaded } from '../components/Loaded.js';
import { useDaemon, useStore } from '../store/use-daemon.js';
import { AddSecretForm } from './secrets/AddSecretForm.js';
import { useLeaseCounts } from './secrets/lease-counts.js';
import { COLUMNS, SecretRow } from './secrets/SecretRow.js';

/** The terminal way to add a secret: the value comes from a hidden prompt or stdin, never an argument. */
export const ADD_COMMAND = 'secrets add NAME --description "what it is for"';

export function SecretsView() {
  const secrets = useDaemon((s) => s.secrets);
  const store = useStore();
  const [notice, setNotice] = useState('');
  const onAdded = useCallback((name: string) => setNotice(`Added ${name}.`), []);
  return (
    <section className="secrets" aria-labelledby="secrets-title">
      <h2 id="secrets-title">Secrets</h2>
      <KillswitchNote />
      {notice !== '' && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <Loaded load={secrets} what="secrets" onRetry={() => void store.reload('secrets')}>
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No secrets yet" command={ADD_COMMAND}>
              <p>Add the first one with the form below, or from a terminal: it asks for the value without showing it (or reads it from a pipe), so the value stays out of your shell history.</p>
            </EmptyState>
          ) : (
            <SecretTable secrets={list} onNotice={setNotice} />
          )
        }
      </Loaded>
      <AddSecretForm onAdded={onAdded} />
    </section>
  );
}

function SecretTable({ secrets, onNotice }: { secrets: readonly SecretMetaT[]; onNotice: (text: string) => void }) {
  const counts = useLeaseCounts();
  return (
    <table className="data secrets-table">
      <caption className="visually-hidden">Secrets, by name; values are never shown</caption>
      <thead>
        <ColumnHeads columns={COLUMNS} />
      </thead>
      <tbody>
        {secrets.map((secret) => (
          <SecretRow key={secret.name} secret={secret} leases={counts?.get(secret.name) ?? (counts === null ? secret.active_leases : 0)} onNotice={onNotice} />
        ))}
      </tbody>
    </table>
  );
}

/** The daemon keeps serving the store owner while engaged: only leases are refused. */
function KillswitchNote() {
  const engaged = useDaemon((s) => s.status.state === 'ready' && s.status.data.killswitch.engaged);
  if (!engaged) return null;
  return (
    <p className="note warn" role="note">
      The killswitch is engaged: no secret is leased until it is disengaged. You can still add, replace, rotate and delete secrets here.
    </p>
  );
}
