/**
 * What a caller on the agent socket sees of the daemon's events: its own leases (the launcher that
 * took them is its own) and the state every agent must react to. Nothing names another client, a
 * pending request, a secret's change or an audit entry.
 */
import type { DaemonEvent, LeaseInfoT } from '../../../shared/protocol.js';

/** The event as this agent may see it, or null when it is none of its business. */
export function eventForAgent(event: DaemonEvent, launcherKey: string): DaemonEvent | null {
  switch (event.type) {
    case 'lease.granted':
    case 'lease.renewed':
    case 'lease.revoked':
    case 'lease.expired':
      return (event.data.lease as LeaseInfoT | undefined)?.launcher === launcherKey ? event : null;
    case 'killswitch.engaged':
      // Its counts describe everyone's leases and processes: the reason is what an agent needs.
      return { ...event, data: { reason: event.data.reason } };
    case 'killswitch.disengaged':
    case 'daemon.stopping':
      return event;
    default:
      return null;
  }
}
