/**
 * The tools that are one daemon request each: what exists (names only), the daemon's state, this
 * client's leases, revoking them, and the killswitch. Leases are the caller's own twice over: the
 * daemon lets a holder touch only leases its verified launcher took, and these tools narrow that to
 * this server's client id, so two MCP clients run by one agent do not see each other's leases.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { DaemonError } from '../../shared/errors.js';
import { type Extra, type McpContext, withDaemon } from './context.js';
import { failed, succeeded } from './results.js';

type Handler<I> = (input: I, extra: Extra) => Promise<Record<string, unknown>>;

/** The tool's answer, or its error as a tool error. */
const answer =
  <I>(handler: Handler<I>) =>
  async (input: I, extra: Extra) => {
    try {
      return succeeded(await handler(input, extra));
    } catch (error) {
      return failed(error);
    }
  };

const readOnly = { readOnlyHint: true, openWorldHint: false } as const;

export function registerBasicTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'secrets_list',
    { title: 'List secrets', description: 'The secrets in the store: names and descriptions, never values.', inputSchema: {}, annotations: readOnly },
    answer(async (_input: Record<string, never>, extra) => {
      const { secrets } = await withDaemon(ctx, extra, (client) => client.call('secrets.list', {}));
      return { secrets: secrets.map((s) => ({ name: s.name, description: s.description })) };
    }),
  );

  server.registerTool(
    'secrets_status',
    {
      title: 'Daemon status',
      description: "The daemon's state: locked or not, whether the killswitch is engaged, counts, the approval policy, warnings; and the client id this server uses.",
      inputSchema: {},
      annotations: readOnly,
    },
    answer(async (_input: Record<string, never>, extra) => {
      const status = await withDaemon(ctx, extra, (client) => client.call('status', {}));
      return { ...status, mcp: { client_id: ctx.clientId(), raw_lease: ctx.settings.allow_raw_lease } };
    }),
  );

  server.registerTool(
    'secrets_leases',
    {
      title: 'My active leases',
      description: "This client's active leases (id, secret, expiry), never values. secrets_exec's leases show here while its command runs.",
      inputSchema: { secret_name: z.string().optional().describe('only the leases of this secret') },
      annotations: readOnly,
    },
    answer(async (input: { secret_name?: string | undefined }, extra) => {
      const { leases } = await withDaemon(ctx, extra, (client) => client.call('lease.list', { client_id: ctx.clientId(), secret_name: input.secret_name }));
      return { leases: leases.map((l) => ({ lease_id: l.lease_id, secret_name: l.secret_name, client_id: l.client_id, created_at: l.created_at, expires_at: l.expires_at })) };
    }),
  );

  server.registerTool(
    'secrets_revoke',
    {
      title: 'Revoke my leases',
      description: "Revokes this client's leases: one by lease_id, all of one secret, or all. A running secrets_exec whose lease is revoked is stopped.",
      inputSchema: {
        lease_id: z.string().optional().describe('revoke this lease'),
        secret_name: z.string().optional().describe("revoke this client's leases of this secret"),
        all: z.boolean().optional().describe("revoke all of this client's leases"),
      },
      annotations: { destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    answer(async (input: { lease_id?: string | undefined; secret_name?: string | undefined; all?: boolean | undefined }, extra) => {
      const chosen = [input.lease_id, input.secret_name, input.all === true ? true : undefined].filter((v) => v !== undefined);
      if (chosen.length !== 1) throw new DaemonError('USAGE', 'say which leases to revoke', 'give exactly one of lease_id, secret_name, all: true');
      const clientId = ctx.clientId();
      return withDaemon(ctx, extra, async (client) => {
        if (input.all === true) return client.call('lease.revoke', { client_id: clientId });
        // One lease, or one secret's: only among this client's own (the daemon would allow its launcher's).
        const { leases } = await client.call('lease.list', { client_id: clientId, secret_name: input.secret_name });
        const ids = leases.map((l) => l.lease_id).filter((id) => input.lease_id === undefined || id === input.lease_id);
        if (input.lease_id !== undefined && ids.length === 0) {
          throw new DaemonError('LEASE_NOT_FOUND', `no active lease ${input.lease_id.slice(0, 100)} of client "${clientId}"`, 'list them with secrets_leases; a lease that ended needs no revoking');
        }
        const revoked = await Promise.all(ids.map((lease_id) => client.call('lease.revoke', { lease_id })));
        return { revoked: revoked.flatMap((r) => r.revoked) };
      });
    }),
  );

  server.registerTool(
    'secrets_killswitch',
    {
      title: 'Killswitch',
      description:
        'EMERGENCY ONLY (e.g. you suspect a secret leaked or something is misusing it): revokes every lease of every client, stops every command run with secrets, denies pending approvals and locks the store. Only the person can unlock it again (secrets killswitch --disengage); until then no secret can be used.',
      inputSchema: { reason: z.string().min(1).max(500).optional().describe('why, for the audit log and the person') },
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    answer(async (input: { reason?: string | undefined }, extra) => {
      const reason = input.reason ?? `engaged by MCP client ${ctx.clientId()}`;
      const report = await withDaemon(ctx, extra, (client) => client.call('killswitch.engage', { reason }));
      return { engaged: true, ...report };
    }),
  );
}
