/**
 * Checks the store passphrase for admin requests without re-running age's scrypt (about a second of
 * blocked event loop per check). At unlock the daemon hashes the passphrase it was given with Node's
 * native scrypt, which runs off the event loop; the hash lives in memory only and never on disk.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_BYTES = 32;

function derive(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, KEY_BYTES, PARAMS, (error, key) => (error ? reject(error) : resolve(key))),
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
