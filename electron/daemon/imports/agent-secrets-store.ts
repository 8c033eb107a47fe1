/**
 * Reads a store of the original Go agent-secrets: `identity.age` (an age X25519 key file) and
 * `secrets.age` (JSON `{version, secrets: {name: {name, value, rotate_via, …}}}` encrypted to it).
 * Used in-process by `secrets import agent-secrets DIR`; values go straight to the daemon.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decrypter } from 'age-encryption';
import { DaemonError } from '../../../shared/errors.js';
import { ageDecryptText } from '../store/age-io.js';

export interface ImportedSecret {
  name: string;
  value: string;
  rotate_via?: string;
}

function read(dir: string, file: string): Buffer {
  try {
    return readFileSync(join(dir, file));
  } catch (error) {
    throw new DaemonError('STORE_NOT_FOUND', `cannot read ${join(dir, file)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, 'point at the directory holding identity.age and secrets.age (usually ~/.agent-secrets)');
  }
}

/** @throws DaemonError STORE_NOT_FOUND, INVALID_CONFIG for a store that does not decrypt or parse. */
export async function readAgentSecretsStore(dir: string): Promise<ImportedSecret[]> {
  const identity = read(dir, 'identity.age')
    .toString('utf8')
    .split(/\r?\n/)
    .find((line) => line.startsWith('AGE-SECRET-KEY-1'));
  if (!identity) throw new DaemonError('INVALID_CONFIG', `${join(dir, 'identity.age')} holds no AGE-SECRET-KEY line`, 'it should be an age X25519 key file');
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity.trim());
  let parsed: unknown;
  try {
    parsed = JSON.parse(await ageDecryptText(decrypter, read(dir, 'secrets.age')));
  } catch {
    throw new DaemonError('INVALID_CONFIG', `${join(dir, 'secrets.age')} does not decrypt with identity.age to JSON`, 'check that both files come from the same agent-secrets store');
  }
  const secrets = (parsed as { secrets?: unknown }).secrets;
  if (typeof secrets !== 'object' || secrets === null) throw new DaemonError('INVALID_CONFIG', 'secrets.age has no "secrets" object', 'is this an agent-secrets store?');
  return Object.entries(secrets as Record<string, { name?: unknown; value?: unknown; rotate_via?: unknown }>).map(([key, entry]) => {
    if (typeof entry?.value !== 'string') throw new DaemonError('INVALID_CONFIG', `secret ${JSON.stringify(key).slice(0, 60)} has no string value`, 'fix or remove it in the old store');
    const name = typeof entry.name === 'string' ? entry.name : key;
    return typeof entry.rotate_via === 'string' && entry.rotate_via !== '' ? { name, value: entry.value, rotate_via: entry.rotate_via } : { name, value: entry.value };
  });
}
