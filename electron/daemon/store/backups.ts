/**
 * Backups of the files `secrets scan --import` takes credentials out of, kept in the data dir as age
 * ciphertexts to the store's own recipient: `age -d -i KEY backups/F.age` (KEY from `age -d
 * identity.age`) gives the original bytes back. The plaintext only ever exists in memory: the CLI
 * sends it over the socket, this encrypts it, and the file written is the ciphertext.
 */
import { lstatSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Encrypter } from 'age-encryption';
import { ageEncrypt } from './age-io.js';
import { writeFileAtomic } from './atomic-file.js';

export const BACKUPS_DIR = 'backups';

/** A file name that says where the backup came from and when, in a safe alphabet, unique per call. */
export function backupFileName(projectDir: string, file: string, at: Date, unique: string): string {
  const clean = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(-80);
  const project = clean(projectDir.split('/').filter(Boolean).pop() ?? 'project');
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${project}-${clean(file) || 'env'}-${unique}.age`;
}

/**
 * Encrypts `content` to `recipient` and writes it under `<dataDir>/backups/` (0700 dir, 0600 file,
 * atomically). Returns the path written.
 * @throws on a file system error (the caller then adds no secret: nothing is moved without its backup).
 */
export async function writeBackup(dataDir: string, recipient: string, name: string, content: string): Promise<string> {
  const dir = join(dataDir, BACKUPS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  const path = join(dir, name);
  writeFileAtomic(path, await ageEncrypt(encrypter, content));
  return path;
}

/**
 * Deletes every backup (the killswitch's wipe: they hold the values it destroys, encrypted to a key
 * the passphrase opens). Only regular files directly in backups/ are removed; a link is unlinked,
 * never followed. Returns how many files went.
 */
export function deleteBackups(dataDir: string): number {
  const dir = join(dataDir, BACKUPS_DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let deleted = 0;
  for (const name of names) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isFile() || stat.isSymbolicLink()) (unlinkSync(path), deleted++);
  }
  return deleted;
}
