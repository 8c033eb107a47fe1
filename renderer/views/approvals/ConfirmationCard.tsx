/** A terminal's admin command waiting in the dashboard: the exact command, who typed it, Allow or Deny. */
import { memo, useId } from 'react';
import type { AdminConfirmationT } from '../../../shared/protocol.js';
import { Command } from '../../components/Command.js';
import { Countdown } from '../../components/Countdown.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';
import { VerifiedFacts } from '../approval/CallerFacts.js';
import { confirmationHeadline } from '../approval/ConfirmationPrompt.js';

export const ConfirmationCard = memo(function ConfirmationCard({ confirmation }: { confirmation: AdminConfirmationT }) {
  const bridge = useBridge();
  const heading = useId();
  const { confirmation_id } = confirmation;
  const decide = useAction((allow: boolean) => bridge['confirmations.decide']({ confirmation_id, allow }));
  return (
    <article className="pending-card" aria-labelledby={heading}>
      <h3 id={heading}>{confirmationHeadline(confirmation)}</h3>
      <p className="deadline">
        Denied automatically in <Countdown until={confirmation.expires_at} />
      </p>
      <Command text={confirmation.command} />
      <VerifiedFacts caller={confirmation.caller} level={4} />
      <div className="choices">
        <button type="button" disabled={decide.busy} onClick={() => void decide.run(true)}>
          Allow
        </button>
        <button type="button" className="primary" disabled={decide.busy} onClick={() => void decide.run(false)}>
          Deny
        </button>
      </div>
      <ErrorNote error={decide.error} />
    </article>
  );
});
