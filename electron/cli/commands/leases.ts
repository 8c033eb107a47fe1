/** lease, leases, renew, revoke: what agents call. */
import { DaemonError } from '../../../shared/errors.js';
import type { ApprovalRequestT, LeaseInfoT } from '../../../shared/protocol.js';
import { APPROVAL_PENDING_NOTIFICATION } from '../../../shared/notifications.js';
import { describeRequest } from './approvals.js';
import { CLIENT_ID_OPTION, type Command, OWNER_OPTIONS } from '../command.js';
import type { CommandContext } from '../context.js';
import type { MethodName, ParamsOf, ResultOf } from '../../../shared/protocol.js';
import { deriveClientId } from '../client-id.js';
import { relative, table } from '../format.js';
import { printSuccess, writeOut } from '../output.js';

const leaseRows = (leases: LeaseInfoT[]) =>
  table(
    ['LEASE', 'SECRET', 'CLIENT', 'EXPIRES'],
    leases.map((l) => [l.lease_id, l.secret_name, l.client_id, `${l.expires_at} (${relative(l.expires_at)})`]),
  ) || 'no active leases';

export const lease: Command = {
  name: 'lease',
  usage: 'lease NAME [--ttl 1h] [--client-id ID] [--json | --raw]',
  summary: 'lease a secret: prints the raw value (exact bytes), or the lease as JSON with --json',
  help: 'Prefer secrets exec: the command gets the value and you never see it. A lease prints the value: never echo, log or write it. The first lease of a new client id waits for the person to approve it (stderr says so); exit 4 = denied: do not retry in a loop. When done: secrets revoke LEASE_ID or secrets revoke --all.',
  example: 'export GITHUB_TOKEN=$(secrets lease github_token --ttl 30m --client-id my-agent)',
  args: [1, 1],
  options: { ttl: { type: 'string' }, raw: { type: 'boolean' }, ...CLIENT_ID_OPTION },
  async run(ctx) {
    const granted = await ctx.callWithNotifications('lease.grant', {
      secret_name: ctx.positionals[0]!,
      ttl: ctx.values.ttl as string | undefined,
      client_id: (ctx.values['client-id'] as string | undefined) ?? deriveClientId(),
      client_pid: process.pid,
    }, (method, params) => {
      if (method === APPROVAL_PENDING_NOTIFICATION) tellPersonAboutPending(params.request as ApprovalRequestT);
    });
    if (ctx.values.json && !ctx.values.raw) return printSuccess('json', 'lease', granted, () => '');
    writeOut(granted.value);
    return 0;
  },
};

/** The lease waits for a person: say on stderr what is pending and how to decide. */
export function tellPersonAboutPending(request: ApprovalRequestT): void {
  process.stderr.write(
    `secrets: waiting for approval: ${describeRequest(request)}\n` +
      `secrets: hint: the person who owns the store decides. Allow once with: secrets approve ${request.request_id}; allow this client for 8 hours with: secrets approve ${request.request_id} --for 8h; refuse with: secrets deny ${request.request_id}\n`,
  );
}

export const leases: Command = {
  name: 'leases',
  usage: 'leases [--client ID] [--secret NAME] [--owner [--passphrase-file F]]',
  summary: "this program's active leases, never values (--owner: every client's, with the passphrase)",
  example: 'secrets leases --json',
  args: [0, 0],
  options: { client: { type: 'string' }, secret: { type: 'string' }, ...OWNER_OPTIONS },
  async run(ctx) {
    const result = await asHolderOrOwner(ctx, 'lease.list', {
      client_id: ctx.values.client as string | undefined,
      secret_name: ctx.values.secret as string | undefined,
    });
    return printSuccess(ctx.mode, 'leases', result, () => leaseRows(result.leases));
  },
};

export const renew: Command = {
  name: 'renew',
  usage: 'renew LEASE_ID [--ttl 1h] [--owner [--passphrase-file F]]',
  summary: "extend one of this program's leases (never past its grant's max TTL from its grant time)",
  example: 'secrets renew L-0k2m9x4bqa7c3d8e1f5g6h --ttl 30m',
  args: [1, 1],
  options: { ttl: { type: 'string' }, ...OWNER_OPTIONS },
  async run(ctx) {
    const result = await asHolderOrOwner(ctx, 'lease.renew', { lease_id: ctx.positionals[0]!, ttl: ctx.values.ttl as string | undefined });
    const data = { ...result.lease, capped: result.capped };
    return printSuccess(ctx.mode, 'renew', data, () =>
      `renewed ${result.lease.lease_id} until ${result.lease.expires_at}${result.capped ? ' (capped at the max lease TTL)' : ''}`,
    );
  },
};

export const revoke: Command = {
  name: 'revoke',
  usage: 'revoke LEASE_ID | --all | --client ID | --secret NAME  [--owner [--passphrase-file F]]',
  summary: "revoke this program's leases (--owner: anyone's, with the passphrase)",
  help: "--all revokes every lease this program holds: the usual 'I am done'.",
  example: 'secrets revoke --all',
  args: [0, 1],
  options: { all: { type: 'boolean' }, client: { type: 'string' }, secret: { type: 'string' }, ...OWNER_OPTIONS },
  async run(ctx) {
    const chosen = [ctx.positionals[0], ctx.values.all || undefined, ctx.values.client, ctx.values.secret].filter((v) => v !== undefined);
    if (chosen.length !== 1) {
      throw new DaemonError('USAGE', 'say which leases to revoke', 'secrets revoke LEASE_ID | --all | --client ID | --secret NAME');
    }
    const result = await asHolderOrOwner(ctx, 'lease.revoke', {
      lease_id: ctx.positionals[0],
      all: ctx.values.all ? true : undefined,
      client_id: ctx.values.client as string | undefined,
      secret_name: ctx.values.secret as string | undefined,
    });
    return printSuccess(ctx.mode, 'revoke', result, () => `revoked ${result.revoked.length} lease(s)${result.revoked.length ? ': ' + result.revoked.join(' ') : ''}`);
  },
};

/**
 * A holder method: on the caller's own leases, or — with --owner or a passphrase file — on everyone's,
 * with the store owner's proof.
 */
function asHolderOrOwner<M extends MethodName>(ctx: CommandContext, method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
  const owner = ctx.values.owner === true || ctx.values['passphrase-file'] !== undefined;
  return owner ? ctx.adminCall(method, params, true) : ctx.call(method, params);
}
