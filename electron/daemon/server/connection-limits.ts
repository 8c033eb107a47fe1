/**
 * Who gets a connection. Connections are counted per verified process, so one process cannot take
 * them all; beyond the general limit a few slots are held back for the emergency path (health, status,
 * the killswitch, admin), for processes that hold no general connection, a couple each. A pure
 * bookkeeping class: the server asks before it serves a socket and tells it when the socket closes.
 */
import { DaemonError } from '../../../shared/errors.js';

export interface AdmissionLimits {
  /** General connections, all processes together. */
  maxConnections: number;
  /** General connections one process may hold. */
  maxConnectionsPerProcess: number;
  /** Slots held back beyond maxConnections for the emergency path. */
  reservedConnections: number;
  /** Reserved slots one process may hold. */
  reservedConnectionsPerProcess: number;
}

export type Pool = 'general' | 'reserved';

/** A granted connection slot; hand it back with release() when the connection closes. */
export interface Slot {
  readonly pool: Pool;
  /** The verified pid the slot is counted against; null for an unverified caller. */
  readonly pid: number | null;
}

/** Methods a reserved connection may call (besides any request carrying admin proof). */
export const EMERGENCY_METHODS: ReadonlySet<string> = new Set(['health', 'status', 'killswitch.engage', 'auth.challenge']);

export class ConnectionLimits {
  private general = 0;
  private reserved = 0;
  private readonly byPid = new Map<number, { general: number; reserved: number }>();

  constructor(private readonly limits: AdmissionLimits) {}

  /**
   * A slot for a new connection from `pid` (null when unverified: only the totals apply).
   * @throws DaemonError TOO_MANY_CONNECTIONS when this process holds its share, or every slot it may use is taken.
   */
  admit(pid: number | null): Slot {
    const held = pid === null ? undefined : this.byPid.get(pid);
    if (held !== undefined && held.general >= this.limits.maxConnectionsPerProcess) {
      throw new DaemonError(
        'TOO_MANY_CONNECTIONS',
        `this process (pid ${pid}) already holds its maximum of ${this.limits.maxConnectionsPerProcess} connections`,
        'send more requests over the connections it has, or close some',
      );
    }
    if (this.general < this.limits.maxConnections) return this.take('general', pid);
    const mayReserve =
      this.reserved < this.limits.reservedConnections && (held === undefined || (held.general === 0 && held.reserved < this.limits.reservedConnectionsPerProcess));
    if (mayReserve) return this.take('reserved', pid);
    throw new DaemonError('TOO_MANY_CONNECTIONS', `the daemon is serving its maximum of ${this.limits.maxConnections} connections`, 'retry shortly');
  }

  release(slot: Slot): void {
    if (slot.pool === 'general') this.general--;
    else this.reserved--;
    if (slot.pid === null) return;
    const held = this.byPid.get(slot.pid);
    if (held === undefined) return;
    held[slot.pool]--;
    if (held.general === 0 && held.reserved === 0) this.byPid.delete(slot.pid);
  }

  /** Slots in use, for tests and status. */
  get inUse(): { general: number; reserved: number; processes: number } {
    return { general: this.general, reserved: this.reserved, processes: this.byPid.size };
  }

  private take(pool: Pool, pid: number | null): Slot {
    if (pool === 'general') this.general++;
    else this.reserved++;
    if (pid !== null) {
      const held = this.byPid.get(pid) ?? { general: 0, reserved: 0 };
      held[pool]++;
      this.byPid.set(pid, held);
    }
    return { pool, pid };
  }
}

/** The refusal a reserved connection gets for anything but the emergency path. */
export function reservedOnly(method: string, maxConnections: number): DaemonError {
  return new DaemonError(
    'TOO_MANY_CONNECTIONS',
    `the daemon is serving its maximum of ${maxConnections} connections; a held-back connection may only call ${[...EMERGENCY_METHODS].join(', ')} or an admin request, not ${JSON.stringify(method.slice(0, 60))}`,
    'retry shortly; the killswitch (secrets killswitch) and status still work',
  );
}
