/**
 * Run a secret's rotation hook now (`secrets.rotate`; the window acts as the person, so any secret)
 * and say how it went: rotated, or failed with the reason, exit code and duration. What the hook
 * printed never reaches the window. Without a hook the button is disabled and says why, visibly, with
 * the way to get one: a hook is set only when a secret is added (`secrets set` and Replace value
 * change the value alone, and `secrets add` refuses a name that exists), so it is delete and add again.
 */
import { useState } from 'react';
import type { ResultOf } from '../../../shared/protocol.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';

type Outcome = ResultOf<'secrets.rotate'>;

export function RotateNow({ name, hasHook }: { name: string; hasHook: boolean }) {
  const bridge = useBridge();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const rotate = useAction(async () => {
    setOutcome(null);
    setOutcome(await bridge['secrets.rotate']({ name }));
  });
  const whyNot = `rotate-why-${name}`;
  return (
    <>
      <span className="rotate-now">
        <button type="button" disabled={!hasHook || rotate.busy} aria-describedby={hasHook ? undefined : whyNot} onClick={() => void rotate.run()}>
          {rotate.busy ? 'Rotating…' : 'Rotate now'}
        </button>
        {outcome !== null && (
          <span role="status" className={outcome.rotated ? 'rotate-outcome ok' : 'rotate-outcome bad'}>
            {describeOutcome(outcome)}
          </span>
        )}
        <ErrorNote error={rotate.error} />
      </span>
      {/* A sibling of the row's buttons, so the layout can put it under all of them. */}
      {!hasHook && (
        <small id={whyNot} className="muted rotate-why">
          {noHookText(name)}
        </small>
      )}
    </>
  );
}

/** Why Rotate now is disabled, and the way to a hook that works on a secret that already exists. */
export function noHookText(name: string): string {
  return `No rotation hook. To add one, delete ${name} and add it again with a hook (the form below, or: secrets add ${name} --rotate-via CMD).`;
}

export function describeOutcome(o: Outcome): string {
  const measured = `exit code ${o.exit_code ?? 'none'}, ${formatMs(o.duration_ms)}`;
  if (!o.rotated) return `Rotation failed: ${o.reason ?? 'no reason given'} (${measured})`;
  const revoked = o.revoked_leases === 1 ? '1 lease revoked' : `${o.revoked_leases} leases revoked`;
  return `Rotated (${measured}); ${revoked}`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
