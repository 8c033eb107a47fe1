/**
 * What the daemon does when its clock moves (steady-clock.ts). A jump of the wall clock re-dates what
 * is running — active leases, waiting approval requests, grants and deny cooldowns keep the time they
 * had left, shown on the new clock — in one transaction with one `clock.jumped` audit entry. Time the machine slept ages leases
 * like any other time, so those whose time came while it slept end now.
 */
import type { ApprovalBroker } from './approvals/approvals.js';
import type { GrantStore } from './approvals/grants.js';
import type { Journal } from './audit/journal.js';
import type { LeaseManager } from './leases/leases.js';
import { createLogger } from './logger.js';
import type { ClockMove, SteadyClock } from './steady-clock.js';

const log = createLogger('clock');

/** What a jump re-dates. */
export interface Dated {
  leases: LeaseManager;
  approvals: ApprovalBroker;
  grants: GrantStore;
}

export function followClockMoves(clock: SteadyClock, journal: Journal, dated: Dated): void {
  const { leases, approvals } = dated;
  clock.onMove((move) => {
    if (move.jumpedMs !== 0) recordJump(move, journal, dated);
    if (move.sleptMs > 0) log.info('the machine slept', { slept_ms: move.sleptMs });
    // The jump is recorded whatever happens here: a failure to end a lease is the lease timer's to retry.
    try {
      leases.resync();
      approvals.expireDue();
    } catch (error) {
      log.error('could not end what came due while the clock moved', { error: String(error) });
    }
  });
}

/** @throws the journal's error when it cannot be written: then nothing was re-dated. */
function recordJump({ jumpedMs, sleptMs }: ClockMove, journal: Journal, { leases, approvals, grants }: Dated): void {
  const counts = journal.run((tx) => {
    const redated = {
      leases_redated: leases.redateInTx(tx, jumpedMs),
      requests_redated: approvals.redateInTx(tx, jumpedMs),
      grants_redated: grants.redateInTx(tx, jumpedMs),
      cooldowns_redated: approvals.cooldowns.redate(jumpedMs),
    };
    tx.audit({
      action: 'clock.jumped',
      detail: { delta_ms: jumpedMs, direction: jumpedMs > 0 ? 'forward' : 'backward', ...redated, ...(sleptMs > 0 ? { slept_ms: sleptMs } : {}) },
    });
    return redated;
  }, null);
  log.warn('the wall clock was set; what is running keeps the time it had left', { delta_ms: jumpedMs, ...counts });
}
