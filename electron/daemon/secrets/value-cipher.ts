/**
 * Secret values at rest: each one an age ciphertext to the store's X25519 recipient. Decrypted values
 * are cached in daemon memory while the store is unlocked (an X25519 decrypt costs ~1 ms, too much per
 * lease) and dropped by `clear()` when the store locks.
 */
import { Decrypter, Encrypter } from 'age-encryption';
import { ageDecryptText, ageEncrypt } from '../store/age-io.js';

export class ValueCipher {
  private readonly encrypter = new Encrypter();
  private readonly decrypter = new Decrypter();
  private readonly cache = new Map<string, string>();

  constructor(identity: string, recipient: string) {
    this.encrypter.addRecipient(recipient);
    this.decrypter.addIdentity(identity);
  }

  encrypt(value: string): Promise<Uint8Array> {
    return ageEncrypt(this.encrypter, value);
  }

  cached(name: string): string | undefined {
    return this.cache.get(name);
  }

  async decrypt(name: string, ciphertext: Uint8Array): Promise<string> {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const value = await ageDecryptText(this.decrypter, ciphertext);
    return this.cache.get(name) ?? (this.cache.set(name, value), value);
  }

  /** Called after a value is written, so the next lease returns it without a decrypt. */
  remember(name: string, value: string): void {
    this.cache.set(name, value);
  }

  forget(name: string): void {
    this.cache.delete(name);
  }

  clear(): void {
    this.cache.clear();
  }
}
