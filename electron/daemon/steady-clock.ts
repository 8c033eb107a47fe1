/**
 * The daemon's own time: the wall clock as read at start, carried forward by the monotonic clock. So a
 * lease's life is measured by a clock nobody can set — moving the wall clock forward does not end it
 * early, moving it back does not stretch it — while the times it shows are wall-clock times.
 *
 * It is compared with the wall clock at each request and every WATCH_INTERVAL_MS. When the two are
 * further apart than the tolerance, the difference is taken in, in two parts:
 * - time the machine slept (the boot clock moved, the monotonic one stood still): time that passed, so
 *   leases aged through it;
 * - the rest, a jump: the wall clock was set. Nothing passed; listeners re-date what is running so it
 *   shows the same time left on the new clock (clock-jumps.ts).
 * Where the boot clock cannot be read, a forward move counts as sleep: a lease may end early, never late.
 */
import type { Clock, SystemTime } from './clock.js';
import { createLogger } from './logger.js';

const log = createLogger('clock');

/** Less than this between the clocks is drift, or a step too small to matter: not a jump. */
export const JUMP_TOLERANCE_MS = 2_000;
/**
 * How often the clocks are compared when no request comes. Decisions never wait for it (they run by
 * this clock, not the wall's); only what people see does — a countdown may be wrong this long after a
 * jump. Node offers no notice that the clock was set (Linux's TFD_TIMER_CANCEL_ON_SET), and a
 * comparison costs two clock reads.
 */
export const WATCH_INTERVAL_MS = 5_000;

export interface ClockMove {
  /** How far the wall clock was set, beyond time that passed: + forward, − back, 0 none. */
  jumpedMs: number;
  /** How long the machine slept. */
  sleptMs: number;
}

export class SteadyClock implements Clock {
  /** This clock's time = monotonic + offset. */
  private offset: number;
  /** sinceBoot − monotonic when last read: it grows by exactly the time slept. */
  private bootLead: number | null;
  private watchTimer: unknown = null;
  private readonly listeners = new Set<(move: ClockMove) => void>();

  constructor(
    private readonly system: SystemTime,
    private readonly toleranceMs = JUMP_TOLERANCE_MS,
  ) {
    this.offset = system.now() - system.monotonic();
    this.bootLead = this.readBootLead();
  }

  now(): number {
    return Math.floor(this.system.monotonic() + this.offset);
  }

  setTimer(callback: () => void, delayMs: number): unknown {
    return this.system.setTimer(callback, delayMs);
  }

  clearTimer(handle: unknown): void {
    this.system.clearTimer(handle);
  }

  /**
   * Called, in order, when the clock moved, after this clock's time already moves with it.
   * A listener that throws puts this clock back where it was (the next comparison tries again).
   */
  onMove(listener: (move: ClockMove) => void): void {
    this.listeners.add(listener);
  }

  /**
   * Compares with the wall clock and takes in a move over the tolerance; returns it (null: none).
   * @throws what a listener threw; the move is then not taken.
   */
  observe(): ClockMove | null {
    const gap = this.system.now() - (this.system.monotonic() + this.offset);
    if (Math.abs(gap) <= this.toleranceMs) return null;
    const bootLead = this.readBootLead();
    const sleptMs = Math.round(bootLead === null || this.bootLead === null ? Math.max(0, gap) : Math.max(0, bootLead - this.bootLead));
    const rest = Math.round(gap) - sleptMs;
    const move: ClockMove = { jumpedMs: Math.abs(rest) > this.toleranceMs ? rest : 0, sleptMs };
    if (move.jumpedMs === 0 && move.sleptMs === 0) return null;
    const [offsetBefore, bootLeadBefore] = [this.offset, this.bootLead];
    this.offset += move.sleptMs + move.jumpedMs;
    this.bootLead = bootLead;
    try {
      for (const listener of this.listeners) listener(move);
    } catch (error) {
      [this.offset, this.bootLead] = [offsetBefore, bootLeadBefore];
      throw error;
    }
    return move;
  }

  /**
   * observe(), for callers that must go on either way (the watch, every request): a move that cannot
   * be taken in now (its audit entry refused by a full disk) is logged and tried again at the next
   * look, and meanwhile the daemon keeps the time it had — a failing disk must not stop reads.
   */
  observeOrLog(): void {
    try {
      this.observe();
    } catch (error) {
      log.error('could not take in a move of the clock; trying again', { error: String(error) });
    }
  }

  /** Compares every WATCH_INTERVAL_MS until stop(). */
  start(): void {
    if (this.watchTimer !== null) return;
    const watch = () => {
      this.watchTimer = this.system.setTimer(() => {
        this.observeOrLog();
        watch();
      }, WATCH_INTERVAL_MS);
    };
    watch();
  }

  stop(): void {
    if (this.watchTimer !== null) this.system.clearTimer(this.watchTimer);
    this.watchTimer = null;
  }

  private readBootLead(): number | null {
    const boot = this.system.sinceBoot();
    return boot === null ? null : boot - this.system.monotonic();
  }
}
