/**
 * The approval window for an admin command typed in a terminal: the exact command, whole, and who
 * the daemon saw typing it. The person allows or refuses that one command; nothing else is granted.
 */
import type { AdminConfirmationT } from '../../../shared/protocol.js';
import type { UiService } from '../../../shared/ui-service.js';
import { Command } from '../../components/Command.js';
import { VerifiedFacts } from './CallerFacts.js';
import { PromptFrame } from './PromptFrame.js';
import type { Settled } from './use-prompt.js';

export function confirmationHeadline(confirmation: AdminConfirmationT): string {
  return `A terminal wants to run ${confirmation.method}`;
}

export function ConfirmationPrompt({ bridge, confirmation, settled }: { bridge: UiService; confirmation: AdminConfirmationT; settled: Settled | null }) {
  const { confirmation_id } = confirmation;
  return (
    <PromptFrame
      title={confirmationHeadline(confirmation)}
      expiresAt={confirmation.expires_at}
      settled={settled}
      onDeny={() => bridge['confirmations.decide']({ confirmation_id, allow: false })}
      allow={({ enabled, decide }) => (
        <button type="button" className="allow" disabled={!enabled} onClick={() => decide(() => bridge['confirmations.decide']({ confirmation_id, allow: true }), 'Allowed')}>
          Allow this command
        </button>
      )}
    >
      <p>Only this exact command runs if you allow it:</p>
      <Command text={confirmation.command} />
      <VerifiedFacts caller={confirmation.caller} />
    </PromptFrame>
  );
}
