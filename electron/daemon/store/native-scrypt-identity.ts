/**
 * age's scrypt recipient (a passphrase-encrypted file such as identity.age), opened with Node's
 * native scrypt instead of age-encryption's JavaScript one. The format and its checks are age's
 * (https://age-encryption.org/v1, "scrypt recipient stanza"); the difference is speed: at age's
 * default work factor (2^18) the native scrypt takes a fraction of the time, and it runs on a libuv
 * thread, so the daemon's start can derive the admin key beside it instead of after it.
 */
import { createDecipheriv, scrypt } from 'node:crypto';
import type { Identity } from 'age-encryption';
import { scryptMaxmem } from '../../../shared/admin-proof.js';

const LABEL = 'age-encryption.org/v1/scrypt';
/** `secrets init` makes stores with 10–22; anything above needs gigabytes and is refused unread. */
export const MAX_SCRYPT_WORK_FACTOR = 22;

interface Stanza {
  readonly args: string[];
  readonly body: Uint8Array;
}

function deriveKey(passphrase: string, salt: Buffer, logN: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase, Buffer.concat([Buffer.from(LABEL), salt]), 32, { N: 2 ** logN, r: 8, p: 1, maxmem: scryptMaxmem(logN) }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** The file key, or null when this key does not open the stanza's body (a wrong passphrase). */
function openFileKey(body: Uint8Array, key: Buffer): Uint8Array | null {
  if (body.length !== 32) throw new Error('invalid scrypt stanza: the body is not a wrapped 16-byte file key');
  const decipher = createDecipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: 16 });
  decipher.setAuthTag(body.subarray(16));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, 16)), decipher.final()]);
  } catch {
    return null;
  }
}

export class NativeScryptIdentity implements Identity {
  constructor(private readonly passphrase: string) {}

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    const stanza = stanzas.find((s) => s.args[0] === 'scrypt');
    if (stanza === undefined) return null;
    // age's rules: a passphrase-encrypted file has exactly one recipient, so nobody else can open it.
    if (stanzas.length !== 1) throw new Error('scrypt recipient is not the only one in the header');
    const [, saltText, logNText] = stanza.args;
    if (stanza.args.length !== 3 || !/^[1-9][0-9]*$/.test(logNText!)) throw new Error('invalid scrypt stanza');
    const salt = Buffer.from(saltText!, 'base64');
    if (salt.length !== 16 || salt.toString('base64').replace(/=+$/, '') !== saltText) throw new Error('invalid scrypt stanza: the salt is not 16 bytes of unpadded base64');
    const logN = Number(logNText);
    if (logN > MAX_SCRYPT_WORK_FACTOR) throw new Error(`scrypt work factor ${logN} is too high (at most ${MAX_SCRYPT_WORK_FACTOR})`);
    return openFileKey(stanza.body, await deriveKey(this.passphrase, salt, logN));
  }
}
