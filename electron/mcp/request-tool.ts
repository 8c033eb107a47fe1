/**
 * `secrets_request`: ask the person for this session's access ahead of time, so later calls run
 * without waiting. The daemon has no "ask without leasing" method, and approvals are made for leases:
 * this asks for one `lease.grant_many` of the secrets — the very request `secrets_exec` would make,
 * so the person sees the same prompt — and revokes the leases at once. Their values reach this
 * process only, never the result. What the person decided is read back from the grants: "allow for a
 * time" leaves a grant that covers later calls; "allow once" leaves none, and the result says so.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { ClientGrantT } from '../../shared/protocol.js';
import { type McpContext, withDaemon } from './context.js';
import { failed, succeeded } from './results.js';
import { WANTED_SECRETS_INPUT, wantedSecrets, workingDirectory } from './wanted-secrets.js';

/** Does this grant let `clientId` from `launcher` lease every one of `names`? */
function covers(grant: ClientGrantT, clientId: string, launcher: string | null, names: string[]): boolean {
  if (!grant.active || grant.client_id !== clientId) return false;
  if (grant.launcher !== null && grant.launcher !== launcher) return false;
  return grant.secrets === null || names.every((name) => grant.secrets!.includes(name));
}

/** The grant that lasts longest (until revoked beats any time). */
function longest(grants: ClientGrantT[]): ClientGrantT | null {
  const rank = (g: ClientGrantT) => (g.expires_at === null ? Infinity : Date.parse(g.expires_at));
  return grants.reduce<ClientGrantT | null>((best, g) => (best === null || rank(g) > rank(best) ? g : best), null);
}

export function registerRequestTool(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'secrets_request',
    {
      title: 'Ask for access ahead of time',
      description: [
        'Asks the person now for access to secrets this session will use, so later secrets_exec calls run without waiting for a decision.',
        'The person sees the same approval prompt as for secrets_exec (the Agent Secrets window, or `secrets requests` in a terminal): this client id, the secrets, the TTL asked for, and the program verified as running this MCP server.',
        'If they allow it for a time (e.g. 8 h) or until revoked, later calls within that time need no prompt; if they allow it once, the next call asks again; if they deny it, this returns DENIED: do not ask again unprompted.',
        'No value is returned or kept: the leases taken to ask are revoked at once.',
      ].join(' '),
      inputSchema: {
        ...WANTED_SECRETS_INPUT,
        ttl: z.string().optional().describe('the longest lease TTL later calls will ask for, shown to the person (default: the daemon\'s default, 1h)'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    async (input, extra) => {
      try {
        const names = wantedSecrets(input, workingDirectory(input.cwd)).map((s) => s.name);
        const clientId = ctx.clientId();
        const asked = withDaemon(ctx, extra, async (client) => {
          const { leases } = await client.call('lease.grant_many', { secrets: names.map((secret_name) => ({ secret_name, ttl: input.ttl })), client_id: clientId, client_pid: process.pid });
          const ids = new Set(leases.map((l) => l.lease_id));
          try {
            // The launcher the daemon verified for these leases: the one a grant must name.
            const mine = (await client.call('lease.list', { client_id: clientId })).leases.find((l) => ids.has(l.lease_id));
            return { launcher: mine?.launcher ?? null, grants: (await client.call('clients.list', {})).grants };
          } finally {
            await Promise.allSettled([...ids].map((lease_id) => client.call('lease.revoke', { lease_id })));
          }
        });
        const { launcher, grants } = await ctx.track(asked);
        const grant = longest(grants.filter((g) => covers(g, clientId, launcher, names)));
        const note = grant
          ? `approved ${grant.expires_at === null ? 'until revoked' : `until ${grant.expires_at}`}: secrets_exec with these secrets runs without asking${grant.max_ttl ? ` (leases of at most ${grant.max_ttl})` : ''}`
          : 'the person allowed this once only: the next secrets_exec will ask again';
        const shown = grant && { grant_id: grant.grant_id, secrets: grant.secrets ?? 'all', expires_at: grant.expires_at, max_ttl: grant.max_ttl };
        return succeeded({ approved: true, client_id: clientId, secrets: names, launcher, grant: shown, note });
      } catch (error) {
        return failed(error);
      }
    },
  );
}
