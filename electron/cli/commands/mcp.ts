/**
 * `secrets mcp [--client-id ID]`: a Model Context Protocol server on stdio (electron/mcp). It is
 * loaded from its own bundle (dist/mcp.cjs) only here, so the MCP SDK and zod never slow down a cold
 * `secrets lease`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DaemonError } from '../../../shared/errors.js';
import { CLIENT_ID_PATTERN, CLIENT_ID_RULE } from '../../../shared/names.js';
import { CLIENT_ID_OPTION, type Command } from '../command.js';

/** Set by the build: the bundled CLI sits next to the bundled MCP server. */
declare const __BUNDLED__: boolean | undefined;

export interface McpServerOptions {
  /** Fixed by --client-id or $AGENT_SECRETS_CLIENT_ID; else the MCP client's name from `initialize`. */
  clientId?: string;
  socketPath: string;
  dataDir: string;
}

/** Serves until the MCP client goes away; resolves with the exit code. */
export type RunMcpServer = (options: McpServerOptions) => Promise<number>;

async function loadMcpServer(): Promise<RunMcpServer> {
  const bundled = typeof __BUNDLED__ !== 'undefined' && __BUNDLED__;
  const url = bundled ? pathToFileURL(join(__dirname, 'mcp.cjs')).href : new URL('../../mcp/main.ts', import.meta.url).href;
  const module = (await import(url)) as { runMcpServer?: RunMcpServer; default?: { runMcpServer: RunMcpServer } };
  return module.runMcpServer ?? module.default!.runMcpServer;
}

export const mcp: Command = {
  name: 'mcp',
  usage: 'mcp [--client-id ID]',
  summary: 'an MCP server on stdio for agents: run commands with secrets, output masked',
  help:
    'Started by an MCP client (Claude Code, Codex, Cursor), not by hand: it speaks MCP on stdin and stdout. ' +
    'Tools: secrets_exec (a command with secrets in its environment, its output masked), secrets_request (ask the person ahead of time), ' +
    'secrets_list, secrets_status, secrets_leases, secrets_revoke, secrets_killswitch; secrets_lease (returns a value into the model\'s context) ' +
    'only with "mcp": {"allow_raw_lease": true} in config.json. Client id: --client-id, else $AGENT_SECRETS_CLIENT_ID, else the MCP client\'s name.',
  example: 'claude mcp add agent-secrets -- secrets mcp --client-id claude-code',
  args: [0, 0],
  options: { ...CLIENT_ID_OPTION },
  async run(ctx) {
    const clientId = (ctx.values['client-id'] as string | undefined) ?? process.env.AGENT_SECRETS_CLIENT_ID;
    if (clientId !== undefined && !CLIENT_ID_PATTERN.test(clientId)) throw new DaemonError('USAGE', `invalid client id: ${CLIENT_ID_RULE}`, 'usage: secrets mcp [--client-id ID]');
    const runMcpServer = await loadMcpServer();
    return runMcpServer({ clientId, socketPath: ctx.socketPath, dataDir: ctx.dataDir });
  },
};
