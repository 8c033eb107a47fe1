/**
 * Bounds on the requests waiting for a person (issue 8). An agent running as the same user can make
 * up client ids at will, so a cap keyed by client id alone does not bound the prompts: the caps are
 * per client id (kept for existing configs), per verified launcher (what the kernel and /proc say
 * runs the caller, which the caller cannot choose per request), and in total. A request over a cap
 * is refused at once; a refusal burst is audited once when it starts and once, as a count, when it
 * ends, so a flood of requests cannot flood the audit log.
 */
import { DaemonError } from '../../../shared/errors.js';
import type { Journal } from '../audit/journal.js';

export interface PendingCaps {
  /** All requests waiting for a person, whoever asks. */
  maxPending: number;
  /** Requests waiting from one verified launcher (the program behind the caller). */
  maxPendingPerLauncher: number;
  /** Requests waiting for one self-reported client id. */
  maxPendingPerClient: number;
}

/** A request as the caps see it: who asked. */
export interface Asker {
  client_id: string;
  launcher: string;
}

export interface CapReached {
  cap: 'client' | 'launcher' | 'total';
  /** Requests already waiting that count against this cap. */
  waiting: number;
  limit: number;
}

/** The first cap a new request from `asker` would exceed, or null when it may wait for a person. */
export function capReached(waiting: readonly Asker[], asker: Asker, caps: PendingCaps): CapReached | null {
  const ofClient = waiting.filter((w) => w.client_id === asker.client_id).length;
  if (ofClient >= caps.maxPendingPerClient) return { cap: 'client', waiting: ofClient, limit: caps.maxPendingPerClient };
  const ofLauncher = waiting.filter((w) => w.launcher === asker.launcher).length;
  if (ofLauncher >= caps.maxPendingPerLauncher) return { cap: 'launcher', waiting: ofLauncher, limit: caps.maxPendingPerLauncher };
  if (waiting.length >= caps.maxPending) return { cap: 'total', waiting: waiting.length, limit: caps.maxPending };
  return null;
}

/** The DENIED a caller gets over a cap: how many wait, and what to do. Names no secret value. */
export function capError(reached: CapReached, asker: Asker): DaemonError {
  switch (reached.cap) {
    case 'client':
      return new DaemonError('DENIED', `client "${asker.client_id}" already has ${reached.waiting} requests waiting for a person`, 'wait for a decision on those: secrets requests');
    case 'launcher':
      return new DaemonError(
        'DENIED',
        `this program (${asker.launcher}) already has ${reached.waiting} requests waiting for a person, the most one program may have`,
        'wait for a decision on those (the person sees them with: secrets requests), then lease again',
      );
    case 'total':
      return new DaemonError(
        'DENIED',
        `${reached.waiting} requests are already waiting for a person, the most the daemon holds; no new request is taken until some are decided`,
        'ask the person to decide on the waiting requests (secrets requests, or secrets deny R-…), then lease again',
      );
    default:
      throw missingCase(reached.cap);
  }
}

function missingCase(value: never): Error {
  return new Error(`unhandled cap ${String(value)}`);
}

/** How many launchers a burst summary names; the rest are only counted. */
const NAMED_LAUNCHERS = 10;

interface Burst {
  refused: number;
  launchers: Set<string>;
  caps: Set<CapReached['cap']>;
}

/**
 * Audits refusals over a cap: the first one of a burst in full, the rest as one count when the burst
 * ends. A burst ends when a waiting request leaves (decided, timed out, withdrawn), which is when a
 * refused caller could be taken again; so the entries a flood causes are bounded by the decisions
 * and timeouts, not by the requests it sends.
 */
export class RefusalAudit {
  private burst: Burst | null = null;

  constructor(private readonly journal: Journal) {}

  refused(asker: Asker, reached: CapReached, pid: number | null, secretName: string | undefined): void {
    if (this.burst) {
      this.burst.refused++;
      this.burst.caps.add(reached.cap);
      if (this.burst.launchers.size < NAMED_LAUNCHERS) this.burst.launchers.add(asker.launcher);
      return;
    }
    this.burst = { refused: 1, launchers: new Set([asker.launcher]), caps: new Set([reached.cap]) };
    this.journal.run((tx) =>
      tx.audit({
        action: 'approval.refused',
        outcome: 'denied',
        client_id: asker.client_id,
        pid,
        secret_name: secretName,
        detail: { cap: reached.cap, waiting: reached.waiting, limit: reached.limit, launcher: asker.launcher, burst: 'started' },
      }),
    );
  }

  /** A waiting request left: a burst in progress ends with one entry counting what it refused. */
  end(): void {
    const burst = this.burst;
    this.burst = null;
    if (!burst || burst.refused <= 1) return;
    this.journal.run((tx) =>
      tx.audit({
        action: 'approval.refused',
        outcome: 'denied',
        detail: { burst: 'ended', refused: burst.refused, caps: [...burst.caps], launchers: [...burst.launchers], launchers_named_at_most: NAMED_LAUNCHERS },
      }),
    );
  }
}
