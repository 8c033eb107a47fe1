/**
 * `secrets import dotenv FILE [--prefix P]` and `secrets import agent-secrets DIR`: every entry
 * becomes a secret through the daemon (admin, one `secrets.add` each). Existing names are skipped,
 * never overwritten. Prints the `.secrets.json` entries to use.
 */
import { DaemonError, isDaemonError } from '../../../shared/errors.js';
import { warnTooShortToMask } from '../../../shared/mask-length.js';
import { ENV_VAR_PATTERN as ENV_VAR, SECRET_NAME_PATTERN } from '../../../shared/names.js';
import { type Command, PASSPHRASE_OPTION } from '../command.js';
import type { CommandContext } from '../context.js';
import { printSuccess } from '../output.js';
import { loadDaemon } from './load-daemon.js';

interface Entry {
  name: string;
  env_var: string;
  value: string;
  rotate_via?: string;
}

async function fromDotenv(file: string, prefix: string): Promise<Entry[]> {
  const daemon = await loadDaemon();
  return Object.entries(daemon.readDotenvFile(file)).map(([key, value]) => ({ name: `${prefix}${key}`, env_var: key, value }));
}

async function fromAgentSecrets(dir: string): Promise<Entry[]> {
  const daemon = await loadDaemon();
  return (await daemon.readAgentSecretsStore(dir)).map((s) => ({ ...s, env_var: s.name.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^(\d)/, '_$1') }));
}

async function importAll(ctx: CommandContext, entries: Entry[]) {
  const imported: string[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const entry of entries) {
    if (!ENV_VAR.test(entry.env_var)) {
      skipped.push({ name: entry.name.slice(0, 60), reason: 'not a valid environment variable name' });
      continue;
    }
    if (!SECRET_NAME_PATTERN.test(entry.name)) {
      skipped.push({ name: entry.name.slice(0, 60), reason: 'not a valid secret name' });
      continue;
    }
    if (entry.value.length === 0 || entry.value.includes('\0')) {
      skipped.push({ name: entry.name, reason: 'empty value or NUL byte' });
      continue;
    }
    try {
      await ctx.adminCall('secrets.add', { name: entry.name, value: entry.value, rotate_via: entry.rotate_via });
      imported.push(entry.name);
    } catch (error) {
      if (!isDaemonError(error) || error.code !== 'SECRET_EXISTS') throw error;
      skipped.push({ name: entry.name, reason: 'already exists (not overwritten)' });
    }
  }
  const project = { secrets: entries.filter((e) => imported.includes(e.name)).map((e) => ({ name: e.name, env_var: e.env_var })) };
  const warnings = warnTooShortToMask(entries.filter((e) => imported.includes(e.name)), process.stderr);
  return { imported, skipped, secrets_json: project, ...(warnings.length > 0 ? { warnings } : {}) };
}

export const importCommand: Command = {
  name: 'import',
  usage: 'import dotenv FILE [--prefix P] | import agent-secrets DIR   [--passphrase-file F]',
  summary: 'bring secrets in from a .env file or an original agent-secrets store (admin)',
  example: 'secrets import dotenv .env --prefix myapp_',
  args: [2, 2],
  options: { prefix: { type: 'string' }, ...PASSPHRASE_OPTION },
  async run(ctx) {
    const [kind, source] = ctx.positionals as [string, string];
    let entries: Entry[];
    if (kind === 'dotenv') entries = await fromDotenv(source, (ctx.values.prefix as string | undefined) ?? '');
    else if (kind === 'agent-secrets') entries = await fromAgentSecrets(source);
    else throw new DaemonError('USAGE', `unknown import source "${kind.slice(0, 30)}"`, 'secrets import dotenv FILE | secrets import agent-secrets DIR');
    const result = await importAll(ctx, entries);
    return printSuccess(ctx.mode, 'import', result, () =>
      [
        `imported ${result.imported.length} secret(s)${result.imported.length ? ': ' + result.imported.join(', ') : ''}`,
        ...result.skipped.map((s) => `skipped ${s.name}: ${s.reason}`),
        ...(result.imported.length ? ['.secrets.json entries:', JSON.stringify(result.secrets_json, null, 2)] : []),
      ].join('\n'),
    );
  },
};
