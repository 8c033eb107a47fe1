/**
 * The Leases tab: every active lease, live (the store applies lease events as they come), grouped by
 * client (alphabetical) and soonest expiry first within a client, with revoke one / a client's / all.
 *
 * A thousand leases stay cheap: the table is virtualised (only the rows in view exist, see
 * leases/LeaseTable.tsx), rows are memoised on records whose identity changes only when they change,
 * and each countdown ticks on the shared clock by itself, so a second passing re-renders the few
 * countdowns in view and nothing else.
 */
import { useMemo } from 'react';
import { Command } from '../components/Command.js';
import { ConfirmButton } from '../components/ConfirmButton.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { Loaded } from '../components/Loaded.js';
import { useAction } from '../components/use-action.js';
import type { LeaseInfoT } from '../../shared/protocol.js';
import type { Ticker } from '../store/clock.js';
import { useBridge } from '../store/bridge.js';
import { useDaemon, useStore } from '../store/use-daemon.js';
import { groupByClient } from './leases/group-leases.js';
import { LeaseTable } from './leases/LeaseTable.js';

export const EXEC_COMMAND = 'secrets exec --client-id my-agent -- npm test';
export const LEASE_COMMAND = 'secrets lease NAME --client-id my-agent';

/** `ticker`: the clock countdowns read (tests pin it); the shared one-second clock by default. */
export function LeasesView({ ticker }: { ticker?: Ticker }) {
  const leases = useDaemon((s) => s.leases);
  const store = useStore();
  return (
    <section className="leases leases-view" aria-labelledby="leases-title">
      <h2 id="leases-title">Active leases</h2>
      <LockedNote />
      <Loaded load={leases} what="leases" onRetry={() => void store.reload('leases')}>
        {(map) => (map.size === 0 ? <NoLeases /> : <ActiveLeases leases={map} ticker={ticker} />)}
      </Loaded>
    </section>
  );
}

/** The count and "Revoke all…" over the table. */
function ActiveLeases({ leases, ticker }: { leases: ReadonlyMap<string, LeaseInfoT>; ticker?: Ticker }) {
  const bridge = useBridge();
  const revokeAll = useAction(() => bridge['lease.revoke']({ all: true }));
  const groups = useMemo(() => groupByClient(leases.values()), [leases]);
  const count = leases.size;
  return (
    <>
      <div className="toolbar">
        <span>{count === 1 ? '1 active lease' : `${count} active leases`}</span>
        <span className="spacer" />
        <ConfirmButton
          label="Revoke all…"
          confirmLabel={`Revoke all ${count}`}
          question="Revoke every active lease? Agents lose their secrets now."
          disabled={revokeAll.busy}
          onConfirm={() => void revokeAll.run()}
        />
      </div>
      <ErrorNote error={revokeAll.error} />
      <LeaseTable groups={groups} ticker={ticker} />
    </>
  );
}

function NoLeases() {
  return (
    <EmptyState title="No active leases">
      <p>When an agent is given a secret, its lease shows here with the time it has left. An agent runs its command with the secrets its project's .secrets.json names:</p>
      <Command text={EXEC_COMMAND} />
      <p>or leases one secret:</p>
      <Command text={LEASE_COMMAND} />
    </EmptyState>
  );
}

/** Why no lease will appear for now (the table may still hold leases a Lock left running). */
function LockedNote() {
  const state = useDaemon((s) => (s.status.state !== 'ready' ? 'unknown' : s.status.data.killswitch.engaged ? 'killswitch' : s.status.data.locked ? 'locked' : 'open'));
  if (state === 'killswitch') return <p className="locked-note">The killswitch is engaged: no new leases are granted until it is disengaged.</p>;
  if (state === 'locked') return <p className="locked-note">The store is locked: no new leases are granted.</p>;
  return null;
}
