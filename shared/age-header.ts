/**
 * Reads the scrypt work factor from the header of an age passphrase-encrypted file (`-> scrypt SALT
 * LOG_N`), without decrypting anything. Admin proofs use the same work factor as identity.age.
 */
export function scryptWorkFactorOf(header: string): number | null {
  if (!header.startsWith('age-encryption.org/v1\n')) return null;
  const match = /^-> scrypt [A-Za-z0-9+/]+ (\d{1,2})$/m.exec(header);
  return match ? Number(match[1]) : null;
}
