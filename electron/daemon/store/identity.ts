/**
 * The age X25519 identity that decrypts every stored value, kept on disk as `identity.age` (age
 * scrypt, opened by `age -d` with the passphrase) or, only when asked for, as plaintext `identity.key`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { DaemonError } from '../../../shared/errors.js';
import { scryptWorkFactorOf } from '../../../shared/age-header.js';
import { FILES } from './paths.js';
import { writeFileAtomic } from './atomic-file.js';
import { ageDecryptText, ageEncrypt } from './age-io.js';
import { NativeScryptIdentity } from './native-scrypt-identity.js';

export type Protection = 'passphrase' | 'insecure-keyfile';

/** age's own default scrypt work factor (2^18). */
export const DEFAULT_SCRYPT_WORK_FACTOR = 18;

export interface UnlockedIdentity {
  /** AGE-SECRET-KEY-1… */
  identity: string;
  /** age1… */
  recipient: string;
  protection: Protection;
  /** identity.age's scrypt work factor (log2 N); null for a plaintext key file. */
  workFactor: number | null;
}

export function detectProtection(dataDir: string): Protection | null {
  if (existsSync(join(dataDir, FILES.identityAge))) return 'passphrase';
  if (existsSync(join(dataDir, FILES.identityKey))) return 'insecure-keyfile';
  return null;
}

/** The identity in the layout `age-keygen` writes, so `age -d identity.age > key.txt` is usable as `-i`. */
function identityFileText(identity: string, recipient: string, now: Date): string {
  return `# created: ${now.toISOString()}\n# public key: ${recipient}\n${identity}\n`;
}

/** @throws DaemonError STORE_CORRUPT when the decrypted (or plaintext) identity holds no usable key. */
async function parseIdentityFile(text: string, file: string): Promise<{ identity: string; recipient: string }> {
  const identity = text.split(/\r?\n/).find((l) => l.startsWith('AGE-SECRET-KEY-1'))?.trim();
  if (!identity) throw identityDamaged(file, 'it holds no AGE-SECRET-KEY line');
  try {
    return { identity, recipient: await identityToRecipient(identity) };
  } catch {
    throw identityDamaged(file, 'its AGE-SECRET-KEY line is not a valid key (cut short or edited)');
  }
}

function identityDamaged(file: string, what: string): DaemonError {
  return new DaemonError(
    'STORE_CORRUPT',
    `${file} is damaged: ${what}; the daemon did not start and changed nothing`,
    `restore ${basename(file)} from a backup of the data dir (without it no stored value can be decrypted); keep the damaged file for examination`,
  );
}

/**
 * What is structurally wrong with an age file, before any passphrase is tried: empty, not age, a
 * header or payload cut short (https://age-encryption.org/v1). Null when it looks whole.
 */
function ageFileDamage(sealed: Buffer): string | null {
  if (sealed.length === 0) return 'the file is empty (0 bytes)';
  const text = sealed.toString('latin1');
  if (!text.startsWith('age-encryption.org/v1\n')) return 'it is not an age file (its first line is not age-encryption.org/v1)';
  const mac = text.indexOf('\n--- ');
  const headerEnd = mac === -1 ? -1 : text.indexOf('\n', mac + 1);
  if (headerEnd === -1) return 'it is cut short inside the age header';
  // The payload: a 16-byte nonce, then at least one chunk with its 16-byte tag.
  if (sealed.length - (headerEnd + 1) < 32) return 'it is cut short after the age header (the encrypted key is missing)';
  return null;
}

/** typage's words for "this passphrase does not open it" (a pinned dependency; see age-io.ts). */
const NO_MATCH = "no identity matched any of the file's recipients";

export type IdentityProtection = { kind: 'passphrase'; passphrase: string; workFactor?: number } | { kind: 'insecure-keyfile' };

/**
 * Generates a new identity and writes it. Refuses to overwrite: losing the identity loses every value.
 * @throws DaemonError STORE_EXISTS when either identity file is already there.
 */
export async function createIdentity(dataDir: string, protection: IdentityProtection, now = new Date()): Promise<UnlockedIdentity> {
  if (detectProtection(dataDir) !== null) {
    throw new DaemonError('STORE_EXISTS', `a store already exists in ${dataDir}`, 'it was left untouched; to start over, move that directory away first');
  }
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  const text = identityFileText(identity, recipient, now);
  if (protection.kind === 'passphrase') {
    const encrypter = new Encrypter();
    encrypter.setPassphrase(protection.passphrase);
    encrypter.setScryptWorkFactor(protection.workFactor ?? DEFAULT_SCRYPT_WORK_FACTOR);
    writeFileAtomic(join(dataDir, FILES.identityAge), await ageEncrypt(encrypter, text));
  } else {
    writeFileAtomic(join(dataDir, FILES.identityKey), text);
  }
  return { identity, recipient, protection: protection.kind, workFactor: protection.kind === 'passphrase' ? (protection.workFactor ?? DEFAULT_SCRYPT_WORK_FACTOR) : null };
}

/**
 * Reads the identity, decrypting it with the passphrase when it is protected by one.
 * @throws DaemonError PASSPHRASE_INCORRECT for a wrong passphrase, USAGE when one is needed and
 * missing, STORE_NOT_FOUND when there is no identity at all, STORE_CORRUPT when the file is damaged
 * (empty, cut short, edited: told apart from a wrong passphrase wherever age can tell).
 */
export async function unlockIdentity(dataDir: string, passphrase: string | undefined): Promise<UnlockedIdentity> {
  const protection = detectProtection(dataDir);
  if (protection === null) {
    throw new DaemonError('STORE_NOT_FOUND', `no store in ${dataDir}`, 'the person creates one with: secrets init');
  }
  let text: string;
  let workFactor: number | null = null;
  const file = join(dataDir, protection === 'insecure-keyfile' ? FILES.identityKey : FILES.identityAge);
  if (protection === 'insecure-keyfile') {
    text = readFileSync(file, 'utf8');
  } else {
    if (passphrase === undefined) {
      throw new DaemonError('USAGE', 'the store is protected by a passphrase', 'pass --passphrase-file FILE, or run in a terminal to be asked');
    }
    const decrypter = new Decrypter();
    decrypter.addIdentity(new NativeScryptIdentity(passphrase));
    const sealed = readFileSync(file);
    const damage = ageFileDamage(sealed);
    if (damage !== null) throw identityDamaged(file, damage);
    workFactor = scryptWorkFactorOf(sealed.subarray(0, 512).toString('latin1'));
    try {
      text = await ageDecryptText(decrypter, sealed);
    } catch (error) {
      if (error instanceof Error && error.message === NO_MATCH) {
        throw new DaemonError('PASSPHRASE_INCORRECT', 'the passphrase does not open identity.age', 'check the passphrase file (one trailing newline is ignored)');
      }
      // The passphrase opened the header, so what follows it is damaged (cut short, edited).
      throw identityDamaged(file, `it cannot be decrypted (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return { ...(await parseIdentityFile(text, file)), protection, workFactor };
}
