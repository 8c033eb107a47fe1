/**
 * Secret values at rest: each one an age ciphertext to the store's X25519 recipient. Decrypted values
 * are cached in daemon memory while the store is unlocked (an X25519 decrypt costs ~1 ms, too much per
 * lease) and dropped by `forget(name)` when a secret is removed and by `clear()` when the store locks
 * or is wiped.
 *
 * A decrypt is asynchronous, so a secret can be removed (or the cache cleared) while one is in flight.
 * Every change to a name's entry gives it a new version; a decrypt caches its result only if the
 * version it started under is still current, so a value removed or wiped meanwhile is not put back.
 */
import { Decrypter, Encrypter } from 'age-encryption';
import { ageDecryptText, ageEncrypt } from '../store/age-io.js';

/** A decrypted value, and whether the secret stayed as it was while it was decrypted. */
export interface Decrypted {
  value: string;
  /** False when the secret was changed, removed or the cache cleared during the decrypt. */
  current: boolean;
}

export type DecryptText = (ciphertext: Uint8Array) => Promise<string>;

export class ValueCipher {
  private readonly encrypter = new Encrypter();
  private readonly decrypter = new Decrypter();
  private readonly cache = new Map<string, string>();
  /** The version each name's entry last changed at; a name not here has changed at `cleared`. */
  private readonly versions = new Map<string, number>();
  private counter = 0;
  /** The version of the last clear(): every name changed then. */
  private cleared = 0;
  private readonly decryptText: DecryptText;

  /** `decryptText` replaces age decryption (tests hold a decrypt in flight with it). */
  constructor(identity: string, recipient: string, decryptText?: DecryptText) {
    this.encrypter.addRecipient(recipient);
    this.decrypter.addIdentity(identity);
    this.decryptText = decryptText ?? ((ciphertext) => ageDecryptText(this.decrypter, ciphertext));
  }

  encrypt(value: string): Promise<Uint8Array> {
    return ageEncrypt(this.encrypter, value);
  }

  cached(name: string): string | undefined {
    return this.cache.get(name);
  }

  /** Decrypts, and caches the value only if the secret did not change meanwhile. */
  async decrypt(name: string, ciphertext: Uint8Array): Promise<Decrypted> {
    const cached = this.cache.get(name);
    if (cached !== undefined) return { value: cached, current: true };
    const version = this.version(name);
    const value = await this.decryptText(ciphertext);
    if (this.version(name) !== version) return { value, current: false };
    this.cache.set(name, value);
    return { value, current: true };
  }

  /** Called after a value is written, so the next lease returns it without a decrypt. */
  remember(name: string, value: string): void {
    this.versions.set(name, ++this.counter);
    this.cache.set(name, value);
  }

  forget(name: string): void {
    this.versions.set(name, ++this.counter);
    this.cache.delete(name);
  }

  clear(): void {
    this.cleared = ++this.counter;
    this.versions.clear();
    this.cache.clear();
  }

  private version(name: string): number {
    return this.versions.get(name) ?? this.cleared;
  }
}
