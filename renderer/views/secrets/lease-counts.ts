/**
 * Active leases per secret, counted from the store's live leases (updated by lease events without a
 * round trip) rather than reloading the secrets on every lease. Until the leases have loaded, the
 * daemon's own count in the secret's metadata stands.
 */
import { useMemo } from 'react';
import { useDaemon } from '../../store/use-daemon.js';

export function useLeaseCounts(): ReadonlyMap<string, number> | null {
  const leases = useDaemon((s) => s.leases);
  return useMemo(() => {
    if (leases.state !== 'ready') return null;
    const counts = new Map<string, number>();
    for (const lease of leases.data.values()) counts.set(lease.secret_name, (counts.get(lease.secret_name) ?? 0) + 1);
    return counts;
  }, [leases]);
}
