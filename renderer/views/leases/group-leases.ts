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

/** One row of the table: a client's group header, or one of its leases. */
export type LeaseItem = { kind: 'group'; group: ClientLeases } | { kind: 'lease'; lease: LeaseInfoT };

/**
 * The groups as the one flat list the virtualiser windows over: each client's header row, then its
 * lease rows. Keys are stable across renders (a client id, a lease id) so a row keeps its state while
 * the rows around it come and go.
 */
export function flattenGroups(groups: readonly ClientLeases[]): LeaseItem[] {
  const items: LeaseItem[] = [];
  for (const group of groups) {
    items.push({ kind: 'group', group });
    for (const lease of group.leases) items.push({ kind: 'lease', lease });
  }
  return items;
}

export function itemKey(item: LeaseItem): string {
  return item.kind === 'group' ? `client:${item.group.clientId}` : item.lease.lease_id;
}
