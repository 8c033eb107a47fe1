/** Reading the record: audit queries, chain verification, and the live event stream. */
import { DaemonError } from '../../../../shared/errors.js';
import { parseDuration } from '../../../../shared/durations.js';
import type { Core } from '../../core.js';
import type { HandlerGroup } from './types.js';

const TEN_YEARS_MS = 10 * 365 * 24 * 3_600_000;

export function auditHandlers(core: Core): HandlerGroup<'audit.query' | 'audit.verify' | 'events.subscribe'> {
  return {
    'audit.query': (p) => ({
      entries: core.audit.query({
        tail: p.tail,
        afterId: p.after_id,
        beforeId: p.before_id,
        clientId: p.client_id,
        secretName: p.secret_name,
        action: p.action,
        text: p.text,
        newestFirst: p.newest_first,
        sinceMs: p.since === undefined ? undefined : core.clock.now() - parseDuration(p.since, '--since', TEN_YEARS_MS),
        // The schema checked both are ISO 8601 times.
        fromMs: p.from === undefined ? undefined : Date.parse(p.from),
        untilMs: p.until === undefined ? undefined : Date.parse(p.until),
      }),
    }),
    'audit.verify': () => core.verifyAudit(),
    'events.subscribe': (_p, caller) => {
      if (!caller.subscribe) throw new DaemonError('INVALID_REQUEST', 'this transport cannot stream events');
      caller.subscribe();
      return { subscribed: true as const };
    },
  };
}
