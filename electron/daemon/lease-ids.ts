import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** `L-` and 16 base32 characters: 80 random bits, unguessable and easy to copy. */
export function newLeaseId(): string {
  const bytes = randomBytes(16);
  let id = 'L-';
  for (let i = 0; i < 16; i++) id += ALPHABET[bytes[i]! & 31];
  return id;
}
