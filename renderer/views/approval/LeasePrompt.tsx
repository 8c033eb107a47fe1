/** The approval window for an agent's lease request: who asks (verified apart from claimed), for what. */
import type { ApprovalRequestT } from '../../../shared/protocol.js';
import type { UiService } from '../../../shared/ui-service.js';
import { ClaimedFacts, VerifiedFacts } from './CallerFacts.js';
import { LeaseChoices } from './LeaseChoices.js';
import { PromptFrame } from './PromptFrame.js';
import type { Settled } from './use-prompt.js';
import { RequestFacts, requestHeadline } from './RequestFacts.js';

export function LeasePrompt({ bridge, request, settled }: { bridge: UiService; request: ApprovalRequestT; settled: Settled | null }) {
  const { request_id } = request;
  return (
    <PromptFrame
      title={requestHeadline(request)}
      expiresAt={request.expires_at}
      settled={settled}
      onDeny={() => bridge['requests.deny']({ request_id })}
      allow={({ enabled, decide }) => <LeaseChoices request={request} enabled={enabled} onAllow={(params, outcome) => decide(() => bridge['requests.approve'](params), outcome)} />}
    >
      <RequestFacts request={request} />
      <VerifiedFacts caller={request.verified} />
      <ClaimedFacts clientId={request.client_id} reportedPid={request.reported_pid} />
    </PromptFrame>
  );
}
