/**
 * Slows down wrong admin proofs for the whole daemon, not per connection (an attacker opens as many as
 * it likes): the first few are free, then every proof is refused for a window that doubles with each
 * further failure, up to a cap. A right proof resets it.
 */
export interface ThrottleState {
  failed_proofs: number;
  /** ms since the epoch; null when proofs are accepted. */
  locked_until: number | null;
}

export interface ThrottlePolicy {
  /** Failures allowed before the first lockout. */
  freeFailures: number;
  firstLockoutMs: number;
  maxLockoutMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { freeFailures: 3, firstLockoutMs: 1_000, maxLockoutMs: 15 * 60_000 };

export class AdminThrottle {
  private failures = 0;
  private lockedUntil = 0;

  constructor(
    private readonly now: () => number,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
  ) {}

  /** ms left in the lockout, 0 when a proof may be checked now. */
  lockedFor(): number {
    return Math.max(0, this.lockedUntil - this.now());
  }

  /** Records a wrong proof; returns the lockout it starts (0 while failures are still free). */
  failed(): number {
    this.failures++;
    const over = this.failures - this.policy.freeFailures;
    if (over <= 0) return 0;
    const lockout = Math.min(this.policy.firstLockoutMs * 2 ** Math.min(over - 1, 30), this.policy.maxLockoutMs);
    this.lockedUntil = this.now() + lockout;
    return lockout;
  }

  succeeded(): void {
    this.failures = 0;
    this.lockedUntil = 0;
  }

  state(): ThrottleState {
    return { failed_proofs: this.failures, locked_until: this.lockedFor() > 0 ? this.lockedUntil : null };
  }
}
