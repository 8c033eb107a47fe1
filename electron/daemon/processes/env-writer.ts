/**
 * `secrets env`: the daemon writes the env file itself — so only files it wrote are registered for
 * deletion — with `KEY='value'` lines quoted for sh, a header naming the leases and their expiry,
 * mode 0600. It never overwrites a file it did not write unless asked to, never follows a symlink,
 * and deletes the file when any of its leases ends.
 */
import { lstatSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { DaemonError } from '../../../shared/errors.js';
import type { LeaseGrantedT } from '../../../shared/protocol.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import type { EnvFiles } from './env-files.js';

export interface EnvEntry {
  env_var: string;
  lease: LeaseGrantedT;
}

/** sh single quotes: everything literal; a quote is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function envFileText(entries: EnvEntry[], clientId: string, now: Date): string {
  const leases = entries.map((e) => `#   ${e.lease.lease_id}  ${e.lease.secret_name}  until ${e.lease.expires_at}`);
  return [
    `# Written by \`secrets env\` for client ${clientId} at ${now.toISOString()}.`,
    '# Deleted automatically when any of these leases ends (revoke, expiry, killswitch, cleanup):',
    ...leases,
    ...entries.map((e) => `${e.env_var}=${shellQuote(e.lease.value)}`),
    '',
  ].join('\n');
}

/**
 * @throws DaemonError USAGE for a relative path, an existing file without `force`, or anything at the
 * path that is not a regular file (a symlink, a directory).
 */
export function writeEnvFile(path: string, text: string, force: boolean, registry: EnvFiles, leaseIds: string[]): void {
  if (!isAbsolute(path)) throw new DaemonError('USAGE', `the env file path must be absolute: ${path}`);
  let existing = null;
  try {
    existing = lstatSync(path);
  } catch {
    // Nothing there: the common case.
  }
  if (existing !== null) {
    if (!existing.isFile()) throw new DaemonError('USAGE', `${path} exists and is not a regular file`, 'choose another path with --out FILE');
    if (!force && !registry.list().includes(path)) throw new DaemonError('USAGE', `${path} already exists`, 'overwrite it with --force, or choose another path with --out FILE');
  }
  // Written beside the target and renamed over it: readers never see half a file, and the rename
  // replaces a symlink planted meanwhile instead of writing through it.
  writeFileAtomic(path, text, 0o600);
  registry.register(path, leaseIds);
}
