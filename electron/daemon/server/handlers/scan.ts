/**
 * `scan.import` (admin): what `secrets scan --import` found goes into the store. The backups are
 * written first, so no credential is ever moved without a copy of the file it came from; then each
 * credential becomes a secret. Running it again with the same values is harmless: a name already
 * holding the same value is reported `existing`, not duplicated.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DaemonError, isDaemonError } from '../../../../shared/errors.js';
import type { Actor } from '../../audit/journal.js';
import type { Core } from '../../core.js';
import { backupFileName, writeBackup } from '../../store/backups.js';
import { actorOf } from '../rights.js';
import type { HandlerGroup } from './types.js';

/** Suffixes tried when a name is taken by another value: `name_2` … `name_20`. */
const MAX_SUFFIX = 20;

function sameValue(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `name` with `_n`, shortened so the whole stays within the 128 characters a name may have. */
export function suffixedName(name: string, n: number): string {
  if (n === 1) return name;
  const suffix = `_${n}`;
  return name.slice(0, 128 - suffix.length) + suffix;
}

/**
 * The name `value` ends up under: the first of `name`, `name_2`, … that is free (added) or already
 * holds this very value (existing).
 * @throws DaemonError SECRET_EXISTS when every candidate holds another value.
 */
async function place(core: Core, name: string, value: string, description: string, by: Actor): Promise<{ name: string; outcome: 'added' | 'existing' }> {
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const candidate = suffixedName(name, n);
    if (!core.secrets.exists(candidate)) {
      try {
        await core.secrets.add({ name: candidate, value, description }, by);
        return { name: candidate, outcome: 'added' };
      } catch (error) {
        // Added by someone else between the check and the insert: judge it like any taken name.
        if (!isDaemonError(error) || error.code !== 'SECRET_EXISTS') throw error;
      }
    }
    if (sameValue(await core.secrets.value(candidate), value)) return { name: candidate, outcome: 'existing' };
  }
  throw new DaemonError(
    'SECRET_EXISTS',
    `the names ${name} to ${suffixedName(name, MAX_SUFFIX)} all hold other values`,
    'remove the ones no longer needed (secrets list, secrets rm NAME), then run secrets scan --import again',
  );
}

export function scanHandlers(core: Core): HandlerGroup<'scan.import'> {
  return {
    'scan.import': async (p, caller) => {
      const by = actorOf(caller);
      const at = new Date(core.clock.now());
      const backups = [];
      for (const [i, { file }] of p.backups.entries()) {
        const name = backupFileName(p.project_dir, file, at, randomBytes(3).toString('hex'));
        backups.push({ file, path: await writeBackup(core.options.dataDir, core.options.identity.recipient, name, p.value.backups[i]!) });
      }
      const secrets = [];
      for (const [i, s] of p.secrets.entries()) {
        const placed = await place(core, s.name, p.value.secrets[i]!, `moved by secrets scan from ${s.file} (${s.env_var})`.slice(0, 1000), by);
        secrets.push({ requested: s.name, name: placed.name, env_var: s.env_var, file: s.file, outcome: placed.outcome });
      }
      return { secrets, backups };
    },
  };
}
