/** requests, approve, deny, clients: a person deciding which agents get what (deciding is admin). */
import { DaemonError } from '../../../shared/errors.js';
import type { ApprovalRequestT, ClientGrantT } from '../../../shared/protocol.js';
import { type Command, PASSPHRASE_OPTION } from '../command.js';
import { table } from '../format.js';
import { printSuccess } from '../output.js';

export function describeRequest(r: ApprovalRequestT): string {
  // Another user's launcher already starts with its user, which the person must read first.
  const who = !r.verified ? 'caller not verifiable' : r.verified.limited ? `${r.verified.launcher}, pid ${r.verified.pid}` : `pid ${r.verified.pid}, launcher ${r.verified.launcher}`;
  const file = r.env_file ? ` written to ${r.env_file}` : '';
  return `${r.request_id}  ${r.client_id} wants ${r.secret_names.join(', ')}${file} for ${r.ttl} (${who}); ${r.reason}; expires ${r.expires_at}`;
}

const grantRows = (grants: ClientGrantT[]) =>
  table(
    ['CLIENT', 'LAUNCHER', 'SECRETS', 'UNTIL', 'MAX TTL', 'SOURCE', 'ACTIVE'],
    grants.map((g) => [g.client_id, g.launcher ?? 'any', g.secrets?.join(',') ?? 'all', g.expires_at ?? 'revoked', g.max_ttl ?? '-', g.source, g.active ? 'yes' : 'no']),
  ) || 'no approved clients';

export const requests: Command = {
  name: 'requests',
  usage: 'requests',
  summary: 'pending approval requests',
  example: 'secrets requests',
  args: [0, 0],
  async run(ctx) {
    const result = await ctx.call('requests.list', {});
    return printSuccess(ctx.mode, 'requests', result, () => (result.requests.length ? result.requests.map(describeRequest).join('\n') : 'no pending requests'));
  },
};

export const approve: Command = {
  name: 'approve',
  usage: 'approve REQUEST_ID [--once | --for DUR|forever] [--scope secret|all] [--max-ttl DUR] [--passphrase-file F]',
  summary: 'allow a pending request: once (default) or the client for a time (admin)',
  help: 'Once (the default) allows this one request; --for DUR (or forever) allows the client and its launcher for that time, for this secret (--scope secret, default) or all of them.',
  example: 'secrets approve R-3f9a1c --for 8h --scope all',
  args: [1, 1],
  options: { once: { type: 'boolean' }, for: { type: 'string' }, scope: { type: 'string' }, 'max-ttl': { type: 'string' }, ...PASSPHRASE_OPTION },
  async run(ctx) {
    const scope = ctx.values.scope as string | undefined;
    if (scope !== undefined && scope !== 'secret' && scope !== 'all') throw new DaemonError('USAGE', `--scope ${scope.slice(0, 20)} is not secret or all`, 'use --scope secret (this secret) or --scope all');
    if (ctx.values.once && ctx.values.for !== undefined) throw new DaemonError('USAGE', 'choose --once or --for', 'secrets approve REQ --for 1h');
    if (ctx.values.once && (scope !== undefined || ctx.values['max-ttl'] !== undefined)) {
      throw new DaemonError('USAGE', '--scope and --max-ttl describe a standing grant: use them with --for', 'secrets approve REQ --for 8h --scope all');
    }
    const result = await ctx.adminCall('requests.approve', {
      request_id: ctx.positionals[0]!,
      for: ctx.values.for as string | undefined,
      scope: scope as 'secret' | 'all' | undefined,
      max_ttl: ctx.values['max-ttl'] as string | undefined,
    });
    return printSuccess(ctx.mode, 'approve', result, () =>
      result.grant
        ? `allowed ${result.grant.client_id} (${result.grant.launcher}) for ${result.grant.secrets?.join(', ') ?? 'all secrets'} until ${result.grant.expires_at ?? 'revoked'}`
        : `allowed ${result.request.client_id} once`,
    );
  },
};

export const deny: Command = {
  name: 'deny',
  usage: 'deny REQUEST_ID [--passphrase-file F]',
  summary: 'deny a pending request (admin); the client is refused without asking for a cooldown',
  example: 'secrets deny R-3f9a1c',
  args: [1, 1],
  options: { ...PASSPHRASE_OPTION },
  async run(ctx) {
    const result = await ctx.adminCall('requests.deny', { request_id: ctx.positionals[0]! });
    return printSuccess(ctx.mode, 'deny', result, () => `denied ${result.request.client_id}`);
  },
};

export const clients: Command = {
  name: 'clients',
  usage: 'clients | clients allow ID [--launcher L] [--secrets a,b] [--for DUR] [--max-ttl DUR] | clients forget ID | clients revoke GRANT_ID',
  summary: 'approved clients and their grants; allow, forget a client or revoke one grant, with their leases (admin)',
  example: 'secrets clients allow ci-bot --secrets deploy_key --for 8h',
  args: [0, 2],
  options: { launcher: { type: 'string' }, secrets: { type: 'string' }, for: { type: 'string' }, 'max-ttl': { type: 'string' }, ...PASSPHRASE_OPTION },
  async run(ctx) {
    const [sub, clientId] = ctx.positionals;
    if (sub === undefined) {
      const result = await ctx.call('clients.list', {});
      return printSuccess(ctx.mode, 'clients', result, () => grantRows(result.grants));
    }
    if ((sub !== 'allow' && sub !== 'forget' && sub !== 'revoke') || clientId === undefined) {
      throw new DaemonError('USAGE', `unknown clients subcommand "${String(sub).slice(0, 20)}"${clientId === undefined ? ' or missing client id' : ''}`, `usage: secrets ${clients.usage}`);
    }
    if (sub === 'forget') {
      const result = await ctx.adminCall('clients.forget', { client_id: clientId });
      return printSuccess(ctx.mode, 'clients forget', result, () => `forgot ${result.client_id}: ${result.revoked_grants} grant(s) and ${result.revoked_leases} lease(s) revoked`);
    }
    if (sub === 'revoke') {
      const result = await ctx.adminCall('clients.revoke', { grant_id: clientId });
      return printSuccess(ctx.mode, 'clients revoke', result, () => `revoked grant ${result.grant.grant_id} of ${result.grant.client_id} and ${result.revoked_leases} lease(s) only it covered`);
    }
    const secrets = ctx.values.secrets as string | undefined;
    const result = await ctx.adminCall('clients.allow', {
      client_id: clientId,
      launcher: ctx.values.launcher as string | undefined,
      secrets: secrets === undefined ? undefined : secrets.split(',').map((s) => s.trim()).filter(Boolean),
      for: ctx.values.for as string | undefined,
      max_ttl: ctx.values['max-ttl'] as string | undefined,
    });
    return printSuccess(ctx.mode, 'clients allow', result, () => grantRows([result.grant]));
  },
};
