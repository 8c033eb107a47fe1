/**
 * The MCP server: its tools, and the instructions an MCP client shows the model. `secrets_lease` (the
 * only tool that returns a value) exists only when config.json turns it on.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { VERSION } from '../../shared/version.js';
import { registerBasicTools } from './basic-tools.js';
import type { McpContext } from './context.js';
import { registerExecTool } from './exec-tool.js';
import { registerLeaseTool } from './lease-tool.js';
import { registerRequestTool } from './request-tool.js';

const INSTRUCTIONS = [
  'Agent Secrets keeps credentials (API tokens, database URLs …) for you without showing them.',
  'To run something that needs them, call secrets_exec: the values go into the command\'s environment and are masked in its output.',
  'secrets_list shows which secrets exist. The first use of a secret asks the person to approve it; secrets_request asks ahead of time.',
  'A DENIED error means the person said no: do not retry unprompted. secrets_killswitch is for emergencies only: it cuts all access until the person restores it.',
].join(' ');

export function createMcpServer(ctx: McpContext): McpServer {
  const server = new McpServer({ name: 'agent-secrets', version: VERSION }, { instructions: INSTRUCTIONS, capabilities: { tools: {} } });
  registerBasicTools(server, ctx);
  registerExecTool(server, ctx);
  registerRequestTool(server, ctx);
  if (ctx.settings.allow_raw_lease) registerLeaseTool(server, ctx);
  return server;
}
