/**
 * `secrets env`: the daemon writes the env file itself — so only files it wrote are registered for
 * deletion — with `KEY='value'` lines quoted for sh and dotenv alike, a header naming the leases and their expiry,
 * mode 0600. It writes through the open directory (see anchored-dir.ts), so a directory swapped for
 * a symlink between the checks and the write cannot redirect it, and it records the file's device
 * and inode so that later only that very file is deleted.
 */
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync, renameSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { DaemonError } from '../../../shared/errors.js';
import type { LeaseGrantedT } from '../../../shared/protocol.js';
import { shSingleQuoted } from '../../../shared/sh-quote.js';
import { AnchoredDir, type DirRecord, type FileIdentity, identityOf, procFdAvailable } from './anchored-dir.js';
import type { EnvFiles } from './env-files.js';

export interface EnvEntry {
  env_var: string;
  lease: LeaseGrantedT;
}

/** A file the daemon wrote: where, which inode, in which directory. */
export interface WrittenEnvFile extends FileIdentity {
  path: string;
  dir: DirRecord;
}

/** What sh expands inside double quotes, and dotenv's escape. */
const EXPANDED_IN_DOUBLE_QUOTES = /["\\$`]/;

/**
 * A value quoted so that sh (`. .env`) and dotenv loaders read the same thing wherever one form suits
 * both: single quotes (literal to both) unless the value holds one; then double quotes if it holds
 * nothing either would expand there. Left: a value with a `'` and one of `" \ $` and a backquote, in
 * sh's form (`'it'\''s'`), which dotenv reads differently: `shOnly` says so.
 */
export function envQuote(value: string): { text: string; shOnly: boolean } {
  if (!value.includes("'")) return { text: shSingleQuoted(value), shOnly: false };
  if (!EXPANDED_IN_DOUBLE_QUOTES.test(value)) return { text: `"${value}"`, shOnly: false };
  return { text: shSingleQuoted(value), shOnly: true };
}

export function envFileText(entries: EnvEntry[], clientId: string, now: Date): string {
  const leases = entries.map((e) => `#   ${e.lease.lease_id}  ${e.lease.secret_name}  until ${e.lease.expires_at}`);
  const lines = entries.flatMap((e) => {
    const { text, shOnly } = envQuote(e.lease.value);
    const line = `${e.env_var}=${text}`;
    return shOnly ? [`# ${e.env_var} is quoted for sh (. FILE); a dotenv loader reads this value differently: use secrets exec for it`, line] : [line];
  });
  return [
    `# Written by \`secrets env\` for client ${clientId} at ${now.toISOString()}.`,
    '# Deleted automatically when any of these leases ends (revoke, expiry, killswitch, cleanup):',
    ...leases,
    ...lines,
    '',
  ].join('\n');
}

export interface WriteOptions {
  force: boolean;
  registry: EnvFiles;
  leaseIds: string[];
  /** Resolve names through /proc/self/fd (Linux); tests turn it off to exercise the fallback. */
  viaProc?: boolean;
}

const usage = (message: string) => new DaemonError('USAGE', message, 'choose another path with --out FILE');

/**
 * Writes `text` to `path` (already checked by checkEnvTarget: absolute, real, inside the project)
 * and registers it. Written to a temporary name beside it and renamed over it, so readers never see
 * half a file and a planted symlink is replaced, not written through.
 * @throws DaemonError USAGE when the directory is not where the path says (a symlink swapped in),
 * when something other than a regular file is at the path, or when a file the daemon did not write
 * is there and `force` is not set.
 */
export function writeEnvFile(path: string, text: string, options: WriteOptions): WrittenEnvFile {
  const name = basename(path);
  const anchor = AnchoredDir.open(dirname(path), options.viaProc ?? procFdAvailable());
  if (!anchor.ok) throw usage(`cannot write the env file: ${anchor.problem}`);
  const dir = anchor.dir;
  try {
    let existing = null;
    try {
      existing = lstatSync(dir.entry(name), { bigint: true });
    } catch (error) {
      if (error instanceof DaemonError) throw error;
      // Nothing there: the common case.
    }
    if (existing !== null) {
      if (!existing.isFile()) throw usage(`${path} exists and is not a regular file`);
      if (!options.force && !options.registry.wrote(path, identityOf(existing))) {
        throw new DaemonError('USAGE', `${path} already exists`, 'overwrite it with --force, or choose another path with --out FILE');
      }
    }
    let identity;
    try {
      identity = writeBeside(dir, name, text);
    } catch (error) {
      if (error instanceof DaemonError) throw error;
      throw usage(`cannot write the env file in ${dirname(path)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      renameSync(dir.entry(identity.tmp), dir.entry(name));
    } catch (error) {
      unlinkQuietly(dir, identity.tmp);
      if (error instanceof DaemonError) throw error;
      throw usage(`cannot put the env file in place at ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const written: WrittenEnvFile = { path, dev: identity.dev, ino: identity.ino, birth: identity.birth, dir: dir.record };
    options.registry.register(written, options.leaseIds);
    return written;
  } finally {
    dir.close();
  }
}

/** Creates a fresh 0600 file (never an existing one, never through a symlink) and fills it. */
function writeBeside(dir: AnchoredDir, name: string, text: string): FileIdentity & { tmp: string } {
  const tmp = `.${name}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(dir.entry(tmp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  let identity: FileIdentity;
  try {
    fchmodSync(fd, 0o600);
    const bytes = Buffer.from(text);
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
    identity = identityOf(fstatSync(fd, { bigint: true }));
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(dir, tmp);
    throw error;
  }
  closeSync(fd);
  return { tmp, ...identity };
}

function unlinkQuietly(dir: AnchoredDir, name: string): void {
  try {
    unlinkSync(dir.entry(name));
  } catch {
    // Best effort: the write already failed and that error is what the caller sees.
  }
}
