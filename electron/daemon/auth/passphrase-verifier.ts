/**
 * Checks the store passphrase for admin requests without re-running age's scrypt (about a second of
 * blocked event loop per check, and 256 MiB). At unlock the daemon derives a PBKDF2-SHA256 hash of the
 * passphrase it was given, on Node's thread pool; the hash lives in memory only and never on disk.
 */
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';

/** ~35 ms a check: guessing over the socket is pointless, and the daemon keeps no large buffers. */
const ITERATIONS = 200_000;
const KEY_BYTES = 32;

function derive(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(passphrase.normalize('NFC'), salt, ITERATIONS, KEY_BYTES, 'sha256', (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export interface PassphraseVerifier {
  verify(candidate: string): Promise<boolean>;
}

export async function createPassphraseVerifier(passphrase: string): Promise<PassphraseVerifier> {
  const salt = randomBytes(16);
  const expected = await derive(passphrase, salt);
  return {
    async verify(candidate) {
      if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 4096) return false;
      return timingSafeEqual(await derive(candidate, salt), expected);
    },
  };
}
