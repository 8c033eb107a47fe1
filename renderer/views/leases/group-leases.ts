/**
 * How the Leases tab orders the store's leases: one group per client id, groups in alphabetical order
 * (they stay put as leases come and go), and in each group the lease that expires soonest first (the
 * one to watch). ISO times from the daemon (`toISOString`) sort as strings, so no date is parsed.
 */
import type { LeaseInfoT } from '../../../shared/protocol.js';

export interface ClientLeases {
  clientId: string;
  leases: LeaseInfoT[];
}

export function groupByClient(leases: Iterable<LeaseInfoT>): ClientLeases[] {
  const groups = new Map<string, LeaseInfoT[]>();
  for (const lease of leases) {
    const group = groups.get(lease.client_id);
    if (group === undefined) groups.set(lease.client_id, [lease]);
    else group.push(lease);
  }
  return [...groups]
    .sort(([a], [b]) => compare(a, b))
    .map(([clientId, list]) => ({ clientId, leases: list.sort((a, b) => compare(a.expires_at, b.expires_at) || compare(a.lease_id, b.lease_id)) }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
