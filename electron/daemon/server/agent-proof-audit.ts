/**
 * Audits admin proofs offered on the agent socket without letting an agent fill the log with them.
 * Each proof there is refused unchecked (agent-rights.ts), so nothing throttles the sender the way the
 * owner's socket throttles wrong proofs: one entry per proof would be thousands a second. Instead the
 * first proof of a burst is audited in full, and the burst ends BURST_MS later with one entry counting
 * every proof it refused and naming the launchers that sent them (at most NAMED_AT_MOST): at most two
 * entries a minute, however fast an agent sends.
 */
import type { Journal } from '../audit/journal.js';
import type { Clock } from '../clock.js';
import { createLogger } from '../logger.js';

const log = createLogger('agent-socket');

/** How long one burst collects refusals before its count is written. */
export const BURST_MS = 60_000;
/** Launchers (and methods) named in a burst's closing entry: a flood may come from many made-up programs. */
export const NAMED_AT_MOST = 5;

export interface ProofOffer {
  method: string;
  pid: number | null;
  launcher: string | null;
}

interface Burst {
  refused: number;
  methods: Set<string>;
  launchers: Set<string>;
  timer: unknown;
}

export class AgentProofAudit {
  private burst: Burst | null = null;

  constructor(
    private readonly journal: Journal,
    private readonly clock: Pick<Clock, 'setTimer' | 'clearTimer'>,
  ) {}

  refused(offer: ProofOffer): void {
    if (this.burst !== null) {
      this.burst.refused++;
      if (this.burst.methods.size < NAMED_AT_MOST) this.burst.methods.add(offer.method);
      if (offer.launcher !== null && this.burst.launchers.size < NAMED_AT_MOST) this.burst.launchers.add(offer.launcher);
      return;
    }
    this.burst = {
      refused: 1,
      methods: new Set([offer.method]),
      launchers: new Set(offer.launcher === null ? [] : [offer.launcher]),
      timer: this.clock.setTimer(() => this.endBurst(), BURST_MS),
    };
    this.journal.run((tx) =>
      tx.audit({
        action: 'admin.denied',
        outcome: 'denied',
        pid: offer.pid,
        detail: { method: offer.method, reason: 'agent_socket', launcher: offer.launcher, burst: 'started' },
      }),
    );
  }

  /** Writes the count of a burst in progress: its time is up, or the daemon stops. */
  endBurst(): void {
    try {
      this.writeEnd();
    } catch (error) {
      // From a timer or the daemon's shutdown: a disk that refuses the entry must not stop either.
      log.error('could not audit the admin proofs refused on the agent socket', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private writeEnd(): void {
    const burst = this.burst;
    if (burst === null) return;
    this.burst = null;
    this.clock.clearTimer(burst.timer);
    if (burst.refused <= 1) return;
    this.journal.run((tx) =>
      tx.audit({
        action: 'admin.denied',
        outcome: 'denied',
        detail: {
          reason: 'agent_socket',
          burst: 'ended',
          refused: burst.refused,
          methods: [...burst.methods],
          launchers: [...burst.launchers],
          named_at_most: NAMED_AT_MOST,
        },
      }),
    );
  }
}
