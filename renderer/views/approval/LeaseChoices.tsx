/**
 * How a person allows a lease request: once, or this client for a while (this secret or all secrets,
 * optionally with a cap on each lease's length). Everything here is disabled until the window has been
 * focused for a second; the defaults are the narrowest answer (once, this secret).
 */
import { useId, useState } from 'react';
import type { ApprovalRequestT, ParamsOf } from '../../../shared/protocol.js';

type ApproveParams = ParamsOf<'requests.approve'>;

/** `for` omitted means once; the others become a standing grant for the client and its launcher. */
const DURATIONS = [
  { for: undefined, label: 'Once', allow: 'Allow once', outcome: 'Allowed once' },
  { for: '10m', label: '10 min', allow: 'Allow for 10 min', outcome: 'Allowed for 10 min' },
  { for: '1h', label: '1 h', allow: 'Allow for 1 h', outcome: 'Allowed for 1 h' },
  { for: '8h', label: '8 h', allow: 'Allow for 8 h', outcome: 'Allowed for 8 h' },
  { for: 'forever', label: 'Until revoked', allow: 'Allow until revoked', outcome: 'Allowed until revoked' },
] as const;

/** The approve params for a choice, with absent fields left out (the daemon reads "absent" as "once"). */
export function approveParams(request_id: string, duration: (typeof DURATIONS)[number], scope: 'secret' | 'all', maxTtl: string): ApproveParams {
  if (duration.for === undefined) return { request_id };
  const cap = maxTtl.trim();
  return cap === '' ? { request_id, for: duration.for, scope } : { request_id, for: duration.for, scope, max_ttl: cap };
}

export function LeaseChoices({ request, enabled, onAllow }: { request: ApprovalRequestT; enabled: boolean; onAllow: (params: ApproveParams, outcome: string) => void }) {
  const group = useId();
  const [index, setIndex] = useState(0);
  const [scope, setScope] = useState<'secret' | 'all'>('secret');
  const [maxTtl, setMaxTtl] = useState('');
  const duration = DURATIONS[index]!;
  // Scope and cap describe a standing grant: they mean nothing for a single lease.
  const standing = enabled && duration.for !== undefined;
  return (
    <div className="allow-choices">
      <fieldset>
        <legend>Allow for</legend>
        <div className="choices">
          {DURATIONS.map((d, i) => (
            <label key={d.label} className="inline">
              <input type="radio" name={`${group}-for`} checked={i === index} disabled={!enabled} onChange={() => setIndex(i)} />
              {d.label}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Which secrets</legend>
        <div className="choices">
          <label className="inline">
            <input type="radio" name={`${group}-scope`} checked={scope === 'secret'} disabled={!standing} onChange={() => setScope('secret')} />
            {request.secret_names.length === 1 ? 'Only this secret' : 'Only these secrets'}
          </label>
          <label className="inline">
            <input type="radio" name={`${group}-scope`} checked={scope === 'all'} disabled={!standing} onChange={() => setScope('all')} />
            All secrets
          </label>
        </div>
        <label>
          Longest lease (optional)
          <input type="text" value={maxTtl} disabled={!standing} placeholder="e.g. 30m" spellCheck={false} onChange={(e) => setMaxTtl(e.target.value)} />
        </label>
      </fieldset>
      <button type="button" className="allow" disabled={!enabled} onClick={() => onAllow(approveParams(request.request_id, duration, scope, maxTtl), duration.outcome)}>
        {duration.allow}
      </button>
    </div>
  );
}
