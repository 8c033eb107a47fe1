/**
 * Admin proof (shared/admin-proof.ts): the daemon gives out one-time nonces and checks HMACs keyed by a
 * scrypt hash of the passphrase, derived once at unlock with identity.age's own work factor and kept in
 * memory only. Checking a proof is one HMAC, so guessing costs the guesser the scrypt, not the daemon;
 * wrong proofs are throttled for the whole daemon and every one is audited by the caller of `check`.
 * With a plaintext key file there is nothing to prove and every caller is admin (`status` says so).
 */
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { DaemonError } from '../../../shared/errors.js';
import { formatDuration } from '../../../shared/durations.js';
import { ADMIN_KDF, type AdminChallenge, adminProofMessage, scryptMaxmem } from '../../../shared/admin-proof.js';
import { AdminThrottle, type ThrottlePolicy, type ThrottleState } from './admin-throttle.js';

const NONCE_TTL_MS = 60_000;
/** Outstanding nonces; the oldest is dropped beyond this, so asking for nonces cannot grow memory. */
const MAX_NONCES = 256;

export function deriveAdminKey(passphrase: string, salt: Buffer, logN: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, ADMIN_KDF.keyBytes, { N: 2 ** logN, r: ADMIN_KDF.r, p: ADMIN_KDF.p, maxmem: scryptMaxmem(logN) }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export function proofOf(key: Buffer, nonce: string, method: string, params: unknown): string {
  return createHmac('sha256', key).update(adminProofMessage(nonce, method, params)).digest('hex');
}

export interface AdminGateOptions {
  /** null: the store has no passphrase (plaintext key file), so there is nothing to prove. */
  passphrase: string | null;
  /** identity.age's scrypt work factor. */
  logN: number;
  now: () => number;
  throttle?: ThrottlePolicy;
}

export class AdminGate {
  /** Derived in the background at start: the first proof waits for it, start-up does not. */
  private readonly key: Promise<Buffer> | null;
  private readonly salt = randomBytes(16);
  private readonly nonces = new Map<string, number>();
  private readonly throttle: AdminThrottle;
  readonly logN: number;

  constructor(private readonly options: AdminGateOptions) {
    this.logN = options.logN;
    this.throttle = new AdminThrottle(options.now, options.throttle);
    this.key = options.passphrase === null ? null : deriveAdminKey(options.passphrase, this.salt, options.logN);
    // A failure surfaces at the first check; never as an unhandled rejection.
    this.key?.catch(() => {});
  }

  /** True when the store has a passphrase and admin actions need proof. */
  get required(): boolean {
    return this.key !== null;
  }

  /** @throws DaemonError INVALID_REQUEST when the store has no passphrase to prove. */
  challenge(): AdminChallenge {
    if (this.key === null) throw new DaemonError('INVALID_REQUEST', 'this store has no passphrase (plaintext key file): admin actions need no proof', 'run the admin command without --passphrase-file');
    const now = this.options.now();
    for (const [nonce, expires] of this.nonces) if (expires <= now || this.nonces.size >= MAX_NONCES) this.nonces.delete(nonce);
    const nonce = randomBytes(24).toString('base64url');
    this.nonces.set(nonce, now + NONCE_TTL_MS);
    return { nonce, salt: this.salt.toString('base64'), log_n: this.logN, expires_at: new Date(now + NONCE_TTL_MS).toISOString() };
  }

  /**
   * Checks a proof for exactly this method and these params (as received), using up its nonce.
   * @throws DaemonError ADMIN_REQUIRED without a proof; ADMIN_LOCKED during a lockout;
   * PASSPHRASE_INCORRECT for a proof that does not check out (wrong passphrase, unknown or used nonce,
   * other params).
   */
  async check(proof: unknown, method: string, params: unknown): Promise<void> {
    if (this.key === null) return;
    if (proof === undefined) {
      throw new DaemonError(
        'ADMIN_REQUIRED',
        'this is an admin action: it needs the store passphrase, which only the person who owns the store should have',
        'the person runs it in a terminal (the passphrase is asked for), or with --passphrase-file FILE',
      );
    }
    const locked = this.throttle.lockedFor();
    if (locked > 0) throw lockedOut(locked);
    const { nonce, proof: mac } = (proof ?? {}) as { nonce?: unknown; proof?: unknown };
    const expected = typeof nonce === 'string' && this.takeNonce(nonce) ? proofOf(await this.key, nonce, method, params) : null;
    if (expected !== null && typeof mac === 'string' && mac.length === expected.length && timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) {
      this.throttle.succeeded();
      return;
    }
    const lockout = this.throttle.failed();
    throw new DaemonError(
      'PASSPHRASE_INCORRECT',
      'the admin proof does not check out: a wrong passphrase, or a proof that was used before or made for another request',
      lockout > 0 ? `check the passphrase; admin proofs are refused for the next ${formatDuration(lockout)}` : 'check the passphrase (one trailing newline of a passphrase file is ignored)',
    );
  }

  state(): ThrottleState {
    return this.throttle.state();
  }

  private auditedLockout: number | null = null;

  /**
   * True for the first refusal of each lockout only: proofs refused during one are not checked, and
   * auditing each would let a flood of them fill the log.
   */
  firstRefusalOfLockout(): boolean {
    const until = this.throttle.state().locked_until;
    if (until === null || until === this.auditedLockout) return false;
    this.auditedLockout = until;
    return true;
  }

  private takeNonce(nonce: string): boolean {
    const expires = this.nonces.get(nonce);
    this.nonces.delete(nonce);
    return expires !== undefined && expires > this.options.now();
  }
}

function lockedOut(ms: number): DaemonError {
  return new DaemonError('ADMIN_LOCKED', `too many wrong admin proofs: admin actions are refused for another ${formatDuration(Math.ceil(ms / 1000) * 1000)}`, 'wait, then run the command again with the right passphrase');
}
