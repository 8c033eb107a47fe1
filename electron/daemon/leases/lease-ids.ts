import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const TIME_CHARS = 9;
const RANDOM_CHARS = 12;
const POOL_BYTES = RANDOM_CHARS * 256;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

/**
 * `L-`, 9 base32 characters of the grant time in ms, then 12 random ones (60 bits). Time first keeps
 * new ids at the right edge of the leases index: random ids would dirty a different index page for
 * every grant, which was the largest part of a commit.
 */
export function newLeaseId(now: number): string {
  let id = 'L-';
  for (let i = TIME_CHARS - 1; i >= 0; i--) id += ALPHABET[Math.floor(now / 32 ** i) % 32];
  // One CSPRNG call per 256 ids instead of one per id: a grant is a hot path.
  if (offset + RANDOM_CHARS > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  for (let i = 0; i < RANDOM_CHARS; i++) id += ALPHABET[pool[offset + i]! & 31];
  offset += RANDOM_CHARS;
  return id;
}
