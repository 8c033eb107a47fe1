/**
 * A pending lease request in the dashboard: the same facts as its approval window, with Allow once and
 * Deny. Longer grants are given from the request's own window (or the CLI), where the choices are.
 * Memoised: a new request or the countdown ticking never re-renders the other cards.
 */
import { memo, useId } from 'react';
import type { ApprovalRequestT } from '../../../shared/protocol.js';
import { Countdown } from '../../components/Countdown.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';
import { ClaimedFacts, VerifiedFacts } from '../approval/CallerFacts.js';
import { RequestFacts, requestHeadline } from '../approval/RequestFacts.js';

export const RequestCard = memo(function RequestCard({ request, locked }: { request: ApprovalRequestT; locked: boolean }) {
  const bridge = useBridge();
  const heading = useId();
  const { request_id } = request;
  // One action for both buttons: one decision at a time, its error shown under them.
  const decide = useAction((call: () => Promise<unknown>) => call());
  return (
    <article className="pending-card" aria-labelledby={heading}>
      <h3 id={heading}>{requestHeadline(request)}</h3>
      <p className="deadline">
        Denied automatically in <Countdown until={request.expires_at} />
      </p>
      <RequestFacts request={request} />
      <div className="caller-boxes">
        <VerifiedFacts caller={request.verified} level={4} />
        <ClaimedFacts clientId={request.client_id} reportedPid={request.reported_pid} level={4} />
      </div>
      <div className="choices">
        <button type="button" disabled={decide.busy || locked} onClick={() => void decide.run(() => bridge['requests.approve']({ request_id }))}>
          Allow once
        </button>
        <button type="button" className="primary" disabled={decide.busy} onClick={() => void decide.run(() => bridge['requests.deny']({ request_id }))}>
          Deny
        </button>
      </div>
      <ErrorNote error={decide.error} />
    </article>
  );
});
