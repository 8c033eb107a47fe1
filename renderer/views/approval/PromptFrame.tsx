/**
 * What every prompt in the approval window shares: the plain question as heading and page title, the
 * countdown to the automatic deny, Deny as the focused default, the Allow controls held back until
 * the window has been focused for a second, the decision's outcome or error, and the notice when the
 * daemon settled the prompt elsewhere. The kind of prompt fills in the facts and the Allow controls.
 */
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Countdown } from '../../components/Countdown.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useAction } from '../../components/use-action.js';
import { useDenyKeys } from './use-deny-keys.js';
import { useFocusArmed } from './use-focus-armed.js';
import type { Settled } from './use-prompt.js';

/** What the window says when the daemon settled its prompt without it. */
export const SETTLED_TEXT: Record<Settled, string> = {
  elsewhere: 'Decided elsewhere: this prompt was answered in the dashboard or a terminal, or it timed out.',
  killswitch: 'Denied: the killswitch was engaged, which refuses every request until an admin disengages it.',
};

/** Sends a decision; `outcome` ("Allowed for 1 h") is shown once the daemon accepted it. */
export type Decide = (perform: () => Promise<unknown>, outcome: string) => void;

export interface AllowSlot {
  /** Armed by focus and nothing in flight: the Allow controls may act. */
  enabled: boolean;
  decide: Decide;
}

export function PromptFrame({ title, expiresAt, settled, onDeny, allow, children }: { title: string; expiresAt: string; settled: Settled | null; onDeny: () => Promise<unknown>; allow: (slot: AllowSlot) => ReactNode; children: ReactNode }) {
  const heading = useId();
  const armed = useFocusArmed();
  const allowArea = useRef<HTMLDivElement>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const action = useAction(async (perform: () => Promise<unknown>, text: string) => {
    await perform();
    setOutcome(text);
  });
  // Our own decision also comes back as a "decided" event: it is elsewhere only if we sent none.
  const elsewhere = settled !== null && outcome === null && !action.busy;
  const open = outcome === null && !elsewhere;
  const decide: Decide = (perform, text) => void action.run(perform, text);
  const deny = () => decide(onDeny, 'Denied');
  useDenyKeys(open && !action.busy, deny, allowArea);
  useEffect(() => void (document.title = title), [title]);

  return (
    <main className="approval" aria-labelledby={heading}>
      <h1 id={heading}>{title}</h1>
      {children}
      {elsewhere && (
        <p role="status" className="outcome">
          {SETTLED_TEXT[settled]}
          <span className="muted"> This window closes by itself.</span>
        </p>
      )}
      {outcome !== null && (
        <p role="status" className="outcome">
          {outcome}
          <span className="muted"> — this window closes by itself.</span>
        </p>
      )}
      {open && (
        // One block kept at the window's bottom edge however long the facts above it are: the countdown,
        // Deny and the Allow controls in one row (the window is fixed at approvalWindowOptions' size).
        <div className="decision">
          <div className="decision-status">
            <p className="deadline">
              Denied automatically in <Countdown until={expiresAt} />
            </p>
            {!armed && <p className="muted allow-wait-note">Allow unlocks after a second in focus.</p>}
          </div>
          <div className="decision-row">
            <button type="button" className="primary" autoFocus disabled={action.busy} onClick={deny}>
              Deny
            </button>
            <div ref={allowArea} className="allow-area">
              {allow({ enabled: armed && !action.busy, decide })}
            </div>
          </div>
          <ErrorNote error={action.error} />
        </div>
      )}
    </main>
  );
}
