/**
 * Entry of the MCP server bundle (dist/mcp.cjs), loaded by `secrets mcp` on demand so the CLI bundle
 * never carries the MCP SDK or zod. Serves MCP on stdin/stdout until the client goes away (stdin
 * ends) or a signal asks it to stop; then running commands are stopped and their leases revoked
 * before it returns.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpServerOptions, RunMcpServer } from '../cli/commands/mcp.js';
import { clientIdFrom } from '../cli/client-id.js';
import type { McpContext } from './context.js';
import { createMcpServer } from './server.js';
import { readMcpSettings } from './settings.js';

/** The client id when neither --client-id, $AGENT_SECRETS_CLIENT_ID nor the client's name gives one. */
const FALLBACK_CLIENT_ID = 'mcp-client';
/** How long a shutdown waits for running commands to be stopped and their leases revoked. */
const SHUTDOWN_WAIT_MS = 8_000;

const log = (line: string) => process.stderr.write(`secrets mcp: ${line}\n`);

export const runMcpServer: RunMcpServer = async (options: McpServerOptions) => {
  const shutdown = new AbortController();
  const inflight = new Set<Promise<unknown>>();
  let clientName: string | undefined;
  const ctx: McpContext = {
    socketPath: options.socketPath,
    settings: readMcpSettings(options.dataDir, log),
    // The client's name is known once it has sent `initialize`, before any tool call.
    clientId: () => options.clientId ?? clientIdFrom(clientName ?? '') ?? FALLBACK_CLIENT_ID,
    shutdown: shutdown.signal,
    log,
    track(work) {
      inflight.add(work);
      void work.finally(() => inflight.delete(work)).catch(() => {});
      return work;
    },
  };
  const server = createMcpServer(ctx);
  server.server.oninitialized = () => {
    clientName = server.server.getClientVersion()?.name;
  };
  return new Promise<number>((resolve) => {
    const stop = () => {
      if (shutdown.signal.aborted) return;
      shutdown.abort(new Error('the MCP server is shutting down'));
      const settled = Promise.allSettled([...inflight]);
      const waited = new Promise((r) => setTimeout(r, SHUTDOWN_WAIT_MS).unref());
      void Promise.race([settled, waited]).then(() => resolve(0));
    };
    process.stdin.once('end', stop);
    process.stdin.once('close', stop);
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, stop);
    server.connect(new StdioServerTransport()).then(
      // Set after connect: connecting takes over the transport's own callbacks.
      () => (server.server.onclose = stop),
      (error: unknown) => {
        log(`cannot serve MCP on stdio: ${(error as Error).message}`);
        stop();
      },
    );
  });
};
