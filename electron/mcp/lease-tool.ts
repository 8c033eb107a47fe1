/**
 * `secrets_lease`: the one tool that hands a value to the model. Registered only when the person
 * turned it on in config.json (`"mcp": {"allow_raw_lease": true}`); its description says where the
 * value goes, so the model and whoever reads the tool list know.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type McpContext, withDaemon } from './context.js';
import { failed, succeeded } from './results.js';

export const RAW_LEASE_WARNING =
  "WARNING: returns the secret's value itself. It enters the model's context and the conversation's transcript (and any log the MCP client keeps), where it stays after the lease ends. Prefer secrets_exec, which uses values without showing them.";

export function registerLeaseTool(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'secrets_lease',
    {
      title: "Lease a secret's value",
      description: [
        RAW_LEASE_WARNING,
        'Leases one secret for a time (asks the person the first time) and returns {lease_id, secret_name, client_id, value, expires_at}; revoke it with secrets_revoke when done.',
        'Enabled by the store owner in config.json ("mcp": {"allow_raw_lease": true}).',
      ].join(' '),
      inputSchema: {
        secret_name: z.string().describe('the secret, as secrets_list names it'),
        ttl: z.string().optional().describe("how long the lease lasts, a duration such as 30m (default: the daemon's default, 1h)"),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    async (input, extra) => {
      try {
        const lease = await withDaemon(ctx, extra, (client) => client.call('lease.grant', { secret_name: input.secret_name, ttl: input.ttl, client_id: ctx.clientId(), client_pid: process.pid }));
        return succeeded({ ...lease });
      } catch (error) {
        return failed(error);
      }
    },
  );
}
