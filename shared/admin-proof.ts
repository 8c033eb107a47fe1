/**
 * Admin proof without sending the passphrase (DESIGN.md §5 "Rights"). The daemon hands out a one-time
 * nonce with a salt and a work factor; the CLI derives a key from the passphrase with scrypt (the work
 * factor of the store's own identity.age, so a recorded exchange is no cheaper to guess against than
 * that file) and sends an HMAC of the nonce, the method and the exact params. A process relaying the
 * socket sees neither the passphrase nor a proof it could replay or bend to another request.
 *
 * Only the format lives here (shared/ has no crypto): both sides compute it with node:crypto.
 */
import { canonicalJson } from './canonical-json.js';

export const ADMIN_PROOF_VERSION = 'agent-secrets-admin-v1';

/** scrypt's cost parameters besides N (age uses the same r and p). */
export const ADMIN_KDF = { r: 8, p: 1, keyBytes: 32 } as const;

/** The work factor a proof is computed with when nothing better is known: age's default. */
export const DEFAULT_ADMIN_LOG_N = 18;

/** Memory scrypt needs for N = 2^logN (128·N·r), plus room, for node:crypto's `maxmem`. */
export function scryptMaxmem(logN: number): number {
  return 128 * 2 ** logN * ADMIN_KDF.r + 32 * 1024 * 1024;
}

/** The bytes the HMAC covers: the nonce, the method and the params, nothing else. */
export function adminProofMessage(nonce: string, method: string, params: unknown): string {
  return `${ADMIN_PROOF_VERSION}\n${nonce}\n${method}\n${canonicalJson(params ?? {})}`;
}

/** What travels beside the params of an admin request. */
export interface AdminProof {
  nonce: string;
  /** HMAC-SHA256(key, adminProofMessage(...)), hex. */
  proof: string;
}

/** The daemon's challenge (result of `auth.challenge`). */
export interface AdminChallenge {
  nonce: string;
  /** base64 */
  salt: string;
  log_n: number;
  expires_at: string;
}
