/** Leases: grant (one or several), list, renew, revoke. */
import type { Caller } from '../../callers/caller.js';
import type { Core } from '../../core.js';
import type { HandlerGroup } from './types.js';

export function leaseHandlers(core: Core): HandlerGroup<'lease.grant' | 'lease.grant_many' | 'lease.list' | 'lease.renew' | 'lease.revoke'> {
  return {
    'lease.grant': (p, caller) => core.leases.grant({ ...p, verified: caller.identity?.() ?? null }),
    'lease.grant_many': async (p, caller) => ({ leases: await grantAll(core, p, caller) }),
    'lease.list': (p) => ({ leases: core.leases.list(p) }),
    'lease.renew': (p) => core.leases.renew(p.lease_id, p.ttl),
    'lease.revoke': (p) => {
      const selector =
        p.lease_id !== undefined
          ? { lease_id: p.lease_id }
          : p.client_id !== undefined
            ? { client_id: p.client_id }
            : p.secret_name !== undefined
              ? { secret_name: p.secret_name }
              : { all: true as const };
      return { revoked: core.leases.revoke(selector, 'revoked by request') };
    },
  };
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
