/**
 * How a person allows a lease request: once, or this client for a while (this secret or all secrets,
 * optionally with a cap on each lease's length). "Allow once" sits beside Deny; the standing grant
 * folds behind "Allow for a while…" so the window's fixed size keeps who is asking in view (the
 * choices are one keystroke away, and the narrowest is preselected). Everything here is disabled until
 * the window has been focused for a second.
 */
import { useId, useState } from 'react';
import type { ApprovalRequestT, ParamsOf } from '../../../shared/protocol.js';

type ApproveParams = ParamsOf<'requests.approve'>;

/** `for` omitted means once; the others become a standing grant for the client and its launcher. */
const ONCE = { for: undefined, outcome: 'Allowed once' } as const;
const STANDING = [
  { for: '10m', label: '10 min', allow: 'Allow for 10 min', outcome: 'Allowed for 10 min' },
  { for: '1h', label: '1 h', allow: 'Allow for 1 h', outcome: 'Allowed for 1 h' },
  { for: '8h', label: '8 h', allow: 'Allow for 8 h', outcome: 'Allowed for 8 h' },
  { for: 'forever', label: 'Until revoked', allow: 'Allow until revoked', outcome: 'Allowed until revoked' },
] as const;

type Duration = typeof ONCE | (typeof STANDING)[number];

/** The approve params for a choice, with absent fields left out (the daemon reads "absent" as "once"). */
export function approveParams(request_id: string, duration: Duration, scope: 'secret' | 'all', maxTtl: string): ApproveParams {
  if (duration.for === undefined) return { request_id };
  const cap = maxTtl.trim();
  return cap === '' ? { request_id, for: duration.for, scope } : { request_id, for: duration.for, scope, max_ttl: cap };
}

type OnAllow = (params: ApproveParams, outcome: string) => void;

export function LeaseChoices({ request, enabled, onAllow }: { request: ApprovalRequestT; enabled: boolean; onAllow: OnAllow }) {
  const panel = useId();
  const [expanded, setExpanded] = useState(false);
  return (
    <>
      <button type="button" className="allow" disabled={!enabled} onClick={() => onAllow(approveParams(request.request_id, ONCE, 'secret', ''), ONCE.outcome)}>
        Allow once
      </button>
      <button type="button" className="disclosure" aria-expanded={expanded} aria-controls={panel} disabled={!enabled} onClick={() => setExpanded((open) => !open)}>
        Allow for a while…
      </button>
      {/* Kept while folded, so choices made before folding it are still there when it opens again. */}
      <StandingGrant id={panel} hidden={!expanded} request={request} enabled={enabled} onAllow={onAllow} />
    </>
  );
}

/** The standing grant's choices, one compact row each: how long, which secrets, the longest lease. */
function StandingGrant({ id, hidden, request, enabled, onAllow }: { id: string; hidden: boolean; request: ApprovalRequestT; enabled: boolean; onAllow: OnAllow }) {
  const group = useId();
  const [index, setIndex] = useState(0);
  const [scope, setScope] = useState<'secret' | 'all'>('secret');
  const [maxTtl, setMaxTtl] = useState('');
  const duration = STANDING[index]!;
  return (
    <div id={id} className="standing-grant" hidden={hidden}>
      <fieldset>
        <legend>For</legend>
        {STANDING.map((d, i) => (
          <label key={d.label} className="inline">
            <input type="radio" name={`${group}-for`} checked={i === index} disabled={!enabled} onChange={() => setIndex(i)} />
            {d.label}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Secrets</legend>
        <label className="inline">
          <input type="radio" name={`${group}-scope`} checked={scope === 'secret'} disabled={!enabled} onChange={() => setScope('secret')} />
          {request.secret_names.length === 1 ? 'Only this secret' : 'Only these secrets'}
        </label>
        <label className="inline">
          <input type="radio" name={`${group}-scope`} checked={scope === 'all'} disabled={!enabled} onChange={() => setScope('all')} />
          All secrets
        </label>
      </fieldset>
      <div className="standing-last">
        <label className="inline">
          Longest lease (optional)
          <input type="text" className="duration" value={maxTtl} disabled={!enabled} placeholder="e.g. 30m" spellCheck={false} onChange={(e) => setMaxTtl(e.target.value)} />
        </label>
        <button type="button" className="allow" disabled={!enabled} onClick={() => onAllow(approveParams(request.request_id, duration, scope, maxTtl), duration.outcome)}>
          {duration.allow}
        </button>
      </div>
    </div>
  );
}
