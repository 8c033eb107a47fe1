/** Leases: grant (one or several), list, renew, revoke. A non-admin caller touches only its own. */
import { DaemonError } from '../../../../shared/errors.js';
import type { Caller } from '../../callers/caller.js';
import type { Core } from '../../core.js';
import type { LeaseInfoT } from '../../../../shared/protocol.js';
import { holderScope } from '../rights.js';
import type { HandlerGroup } from './types.js';

export function leaseHandlers(core: Core): HandlerGroup<'lease.grant' | 'lease.grant_many' | 'lease.list' | 'lease.renew' | 'lease.revoke'> {
  return {
    'lease.grant': (p, caller) => core.leases.grant({ ...p, verified: caller.identity?.() ?? null }),
    'lease.grant_many': async (p, caller) => ({ leases: await grantAll(core, p, caller) }),
    'lease.list': (p, caller) => ({ leases: core.leases.list(p, holderScope(caller)) }),
    'lease.renew': (p, caller) => {
      const lease = core.leases.held(p.lease_id, holderScope(caller));
      return core.leases.renew(p.lease_id, p.ttl, renewalLimit(core, lease, caller));
    },
    'lease.revoke': (p, caller) => {
      const selector =
        p.lease_id !== undefined
          ? { lease_id: p.lease_id }
          : p.client_id !== undefined
            ? { client_id: p.client_id }
            : p.secret_name !== undefined
              ? { secret_name: p.secret_name }
              : { all: true as const };
      if (p.lease_id !== undefined) core.leases.held(p.lease_id, holderScope(caller), { ended: true });
      return { revoked: core.leases.revoke(selector, 'revoked by request', holderScope(caller)) };
    },
  };
}

/**
 * How long a lease may live from its grant: the config's max TTL, or less when the grants that cover it
 * say so. A lease no grant covers any more (allowed once, or its grant revoked or expired) cannot be
 * renewed by its holder: the person approved what it was given, not more.
 * @throws DaemonError DENIED
 */
function renewalLimit(core: Core, lease: LeaseInfoT, caller: Caller): number {
  const max = core.config.maxLeaseTtlMs;
  const grants = core.grants.matching({ client_id: lease.client_id, launcher: lease.launcher ?? 'unknown', secret_name: lease.secret_name });
  if (grants.length === 0) {
    if (caller.admin === true) return max;
    throw new DaemonError('DENIED', `no grant covers lease ${lease.lease_id} any more (it was allowed once, or its grant was revoked or expired)`, `take a new lease: secrets lease ${lease.secret_name}`);
  }
  const caps = grants.map((g) => g.max_ttl_ms ?? max);
  return Math.min(max, Math.max(...caps));
}

/** Leases every secret asked for, all or none: a process must not start with half its secrets. */
export async function grantAll(core: Core, p: { secrets: { secret_name: string; ttl?: string }[]; client_id: string; client_pid?: number }, caller: Caller) {
  const verified = caller.identity?.() ?? null;
  const results = await Promise.allSettled(p.secrets.map((s) => core.leases.grant({ secret_name: s.secret_name, ttl: s.ttl, client_id: p.client_id, client_pid: p.client_pid, verified })));
  const granted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    granted.forEach((lease) => core.leases.revoke({ lease_id: lease.lease_id }, 'another lease of the same request failed'));
    throw failed.reason;
  }
  return granted;
}
