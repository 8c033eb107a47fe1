/**
 * The store passphrase kept for the tray app, so the person does not type it at every start: sealed
 * by the OS keychain (Electron `safeStorage`, passed in as `seal`/`open`) into `<data dir>/passphrase.safe`
 * (0600). Refused where the keychain is only an obfuscation (`basic_text`: see first-run.ts), so the
 * file never holds something an agent can reverse. The file is the keychain's ciphertext, never the
 * passphrase itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../daemon/store/atomic-file.js';

export const PASSPHRASE_FILE = 'passphrase.safe';

export interface Sealer {
  seal(plain: string): Promise<Buffer>;
  open(sealed: Buffer): Promise<string>;
}

export type Saved = { kind: 'none' } | { kind: 'present'; passphrase: string } | { kind: 'unreadable'; reason: string };

/** The saved passphrase, if any; a file the keychain cannot open (another machine, a reset keychain) is `unreadable`. */
export async function loadSavedPassphrase(dataDir: string, sealer: Sealer): Promise<Saved> {
  let sealed: Buffer;
  try {
    sealed = readFileSync(join(dataDir, PASSPHRASE_FILE));
  } catch {
    return { kind: 'none' };
  }
  try {
    return { kind: 'present', passphrase: await sealer.open(sealed) };
  } catch (error) {
    return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
}

export async function savePassphrase(dataDir: string, sealer: Sealer, passphrase: string): Promise<void> {
  writeFileAtomic(join(dataDir, PASSPHRASE_FILE), await sealer.seal(passphrase), 0o600);
}
