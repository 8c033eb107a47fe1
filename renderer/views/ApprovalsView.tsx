/**
 * The Approvals & clients tab: requests and terminal commands waiting for a person (each also has its
 * own approval window), and the clients allowed so far with their grants. Everything is read from the
 * daemon store, kept live by events.
 */
import { type ReactNode, useId, useMemo } from 'react';
import type { ClientGrantT } from '../../shared/protocol.js';
import { EmptyState } from '../components/EmptyState.js';
import { Loaded } from '../components/Loaded.js';
import { useDaemon, useStore } from '../store/use-daemon.js';
import { ClientCard, byClient } from './approvals/ClientCard.js';
import { ConfirmationCard } from './approvals/ConfirmationCard.js';
import { RequestCard } from './approvals/RequestCard.js';

/** The pre-approval a person runs for an agent that works unattended (electron/cli/commands/approvals.ts). */
export const PRE_APPROVE_COMMAND = 'secrets clients allow my-agent --for 8h';

type Refusing = 'killswitch' | 'locked' | null;

function LockNote({ refusing }: { refusing: Refusing }) {
  if (refusing === null) return null;
  return (
    <p role="note" className="locked-note">
      {refusing === 'killswitch'
        ? 'The killswitch is engaged: every lease request is refused until an admin disengages it, so none waits here.'
        : 'The store is locked: lease requests are refused until it is unlocked.'}
    </p>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const heading = useId();
  return (
    <section aria-labelledby={heading} className="approvals-section">
      <h2 id={heading}>{title}</h2>
      {children}
    </section>
  );
}

function Clients({ grants }: { grants: readonly ClientGrantT[] }) {
  const groups = useMemo(() => byClient(grants), [grants]);
  if (groups.length === 0) {
    return (
      <EmptyState title="No approved clients yet" command={PRE_APPROVE_COMMAND}>
        <p>A client appears here once you allow it for a while from its request. To let an agent work unattended, pre-approve it:</p>
      </EmptyState>
    );
  }
  return groups.map(([clientId, list]) => <ClientCard key={clientId} clientId={clientId} grants={list} />);
}

export function ApprovalsView() {
  const store = useStore();
  const requests = useDaemon((s) => s.requests);
  const confirmations = useDaemon((s) => s.confirmations);
  const grants = useDaemon((s) => s.grants);
  const refusing = useDaemon((s): Refusing => (s.status.state !== 'ready' ? null : s.status.data.killswitch.engaged ? 'killswitch' : s.status.data.locked ? 'locked' : null));

  return (
    <>
      <LockNote refusing={refusing} />
      <Section title="Pending requests">
        <Loaded load={requests} what="pending requests" onRetry={() => void store.reload('requests')}>
          {(list) =>
            list.length === 0 ? (
              <EmptyState title="No pending requests">
                <p>When an agent asks for a secret for the first time, its request shows here and in its own window.</p>
              </EmptyState>
            ) : (
              list.map((request) => <RequestCard key={request.request_id} request={request} locked={refusing !== null} />)
            )
          }
        </Loaded>
      </Section>
      {/* Terminal commands are rare: the section shows only when one waits (or their list failed). */}
      {!(confirmations.state === 'ready' && confirmations.data.length === 0) && (
        <Section title="Admin commands from a terminal">
          <Loaded load={confirmations} what="terminal commands" onRetry={() => void store.reload('confirmations')}>
            {(list) => list.map((confirmation) => <ConfirmationCard key={confirmation.confirmation_id} confirmation={confirmation} />)}
          </Loaded>
        </Section>
      )}
      <Section title="Clients">
        <Loaded load={grants} what="clients" onRetry={() => void store.reload('grants')}>
          {(list) => <Clients grants={list} />}
        </Loaded>
      </Section>
    </>
  );
}
