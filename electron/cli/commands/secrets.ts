/** add, set, rm, list: managing the secrets themselves (add/set/rm are admin actions). */
import { DaemonError } from '../../../shared/errors.js';
import { warnTooShortToMask } from '../../../shared/mask-length.js';
import type { SecretMetaT } from '../../../shared/protocol.js';
import { CLIENT_ID_OPTION, type Command, PASSPHRASE_OPTION } from '../command.js';
import { deriveClientId } from '../client-id.js';
import { table } from '../format.js';
import { readSecretValue } from '../inputs.js';
import { printSuccess } from '../output.js';

const describe = (s: SecretMetaT) => `${s.name}${s.description ? ` — ${s.description}` : ''}`;

/** A stored value exec will refuse: said on stderr and in the data's `warnings` (as `status` has them). */
function withValueWarnings(secret: SecretMetaT, value: string): SecretMetaT & { warnings?: string[] } {
  const warnings = warnTooShortToMask([{ name: secret.name, value }], process.stderr);
  return warnings.length === 0 ? secret : { ...secret, warnings };
}

export const add: Command = {
  name: 'add',
  usage: 'add NAME [--description D] [--rotate-via CMD] [--passphrase-file F]   (value from stdin or a hidden prompt)',
  summary: 'add a secret (admin)',
  help: "The store owner's command: it asks for the store passphrase (or --passphrase-file FILE). Agents cannot add secrets.",
  example: `printf '%s' "$TOKEN" | secrets add github_token --description 'GitHub, repo scope'`,
  args: [1, 1],
  options: { description: { type: 'string' }, 'rotate-via': { type: 'string' }, ...PASSPHRASE_OPTION },
  async run(ctx) {
    const name = ctx.positionals[0]!;
    const value = await readSecretValue(name);
    const { secret } = await ctx.adminCall('secrets.add', {
      name,
      value,
      description: ctx.values.description as string | undefined,
      rotate_via: ctx.values['rotate-via'] as string | undefined,
    });
    return printSuccess(ctx.mode, 'add', withValueWarnings(secret, value), () => `added ${describe(secret)}`);
  },
};

export const set: Command = {
  name: 'set',
  usage: 'set NAME [--passphrase-file F]   (value from stdin or a hidden prompt)',
  summary: "replace a secret's value (admin)",
  example: `printf '%s' "$NEW_TOKEN" | secrets set github_token`,
  args: [1, 1],
  options: { ...PASSPHRASE_OPTION },
  async run(ctx) {
    const name = ctx.positionals[0]!;
    const value = await readSecretValue(name);
    const { secret } = await ctx.adminCall('secrets.set', { name, value });
    return printSuccess(ctx.mode, 'set', withValueWarnings(secret, value), () => `updated ${secret.name}`);
  },
};

export const rm: Command = {
  name: 'rm',
  usage: 'rm NAME [--passphrase-file F]',
  summary: 'delete a secret and revoke its leases (admin)',
  example: 'secrets rm github_token',
  args: [1, 1],
  options: { ...PASSPHRASE_OPTION },
  async run(ctx) {
    const result = await ctx.adminCall('secrets.remove', { name: ctx.positionals[0]! });
    return printSuccess(ctx.mode, 'rm', result, () => `removed ${result.name} (${result.revoked_leases} lease(s) revoked)`);
  },
};

export const list: Command = {
  name: 'list',
  usage: 'list',
  summary: 'list secret names and metadata (never values)',
  example: 'secrets list --json',
  args: [0, 0],
  async run(ctx) {
    const result = await ctx.call('secrets.list', {});
    return printSuccess(ctx.mode, 'list', result, () =>
      result.secrets.length === 0
        ? 'no secrets yet: add one with  secrets add NAME'
        : table(
            ['NAME', 'LEASES', 'UPDATED', 'DESCRIPTION'],
            result.secrets.map((s) => [s.name, String(s.active_leases), s.updated_at, s.description ?? '']),
          ),
    );
  },
};

export const rotate: Command = {
  name: 'rotate',
  usage: 'rotate NAME [--client-id ID] [--passphrase-file F]',
  summary: "run the secret's rotation hook now (a client approved for it, or the owner): its output becomes the value, old leases are revoked",
  example: 'secrets rotate github_token --client-id my-agent',
  args: [1, 1],
  options: { ...CLIENT_ID_OPTION, ...PASSPHRASE_OPTION },
  async run(ctx) {
    const result = await ctx.adminCall('secrets.rotate', { name: ctx.positionals[0]!, client_id: (ctx.values['client-id'] as string | undefined) ?? deriveClientId() });
    if (!result.rotated) {
      throw new DaemonError('ROTATION_FAILED', `the rotation hook of ${result.name} failed (${result.reason}); the old value is kept`, `fix the hook command and run: secrets rotate ${result.name}`);
    }
    return printSuccess(ctx.mode, 'rotate', result, () => `rotated ${result.name}: ${result.revoked_leases} lease(s) of the old value revoked (hook took ${result.duration_ms} ms)`);
  },
};
