import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Time enters the daemon through this interface so tests can pin it. */
export interface Clock {
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

/**
 * The clocks the daemon's own time is built from (steady-clock.ts): the wall clock, which anyone with
 * the rights may set, and two that nobody can. Timers run by the monotonic one, as Node's do.
 */
export interface SystemTime extends Clock {
  /** ms on a clock that is never set and stands still while the machine sleeps (CLOCK_MONOTONIC). */
  monotonic(): number;
  /** ms since boot, counting sleep (CLOCK_BOOTTIME); null where it cannot be read. */
  sinceBoot(): number | null;
}

/** setTimeout rejects delays above 2^31-1 ms (~24.8 days); longer waits are re-armed. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export const systemClock: SystemTime = {
  now: () => Date.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS)),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
  monotonic: () => performance.now(),
  sinceBoot: readUptime,
};

/** Linux's /proc/uptime counts from boot through sleep (10 ms steps); Node offers no CLOCK_BOOTTIME. */
function readUptime(): number | null {
  try {
    const seconds = Number.parseFloat(readFileSync('/proc/uptime', 'latin1'));
    return Number.isFinite(seconds) ? seconds * 1000 : null;
  } catch {
    return null;
  }
}
