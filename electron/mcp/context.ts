/**
 * What every tool gets: who this server is to the daemon, and one way to reach it. The MCP server is
 * a client like the CLI: each call is a request on a fresh socket connection, so the daemon verifies
 * this process's peer credentials and finds its launcher (the agent that started `secrets mcp`: the
 * CLI itself is skipped, see electron/daemon/callers/launcher.ts) exactly as for `secrets lease`.
 */
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { DaemonError } from '../../shared/errors.js';
import { APPROVAL_PENDING_NOTIFICATION } from '../../shared/notifications.js';
import type { ApprovalRequestT } from '../../shared/protocol.js';
import { describeRequest } from '../cli/commands/approvals.js';
import { RpcClient } from '../cli/rpc-client.js';
import type { McpSettingsT } from './settings.js';

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface McpContext {
  socketPath: string;
  settings: McpSettingsT;
  /** --client-id, else the MCP client's name from `initialize`. */
  clientId(): string;
  /** Aborted when the server shuts down: running commands are stopped, waits withdrawn. */
  shutdown: AbortSignal;
  /** Warnings and progress for the person: MCP clients keep a server's stderr in their logs. */
  log(line: string): void;
  /** Work the shutdown waits for (a command's leases revoked, its group gone) before the process exits. */
  track<T>(work: Promise<T>): Promise<T>;
}

/** The call's own abort (the client cancelled it) joined with the server's shutdown. */
export function callSignal(ctx: McpContext, extra: Extra): AbortSignal {
  return AbortSignal.any([extra.signal, ctx.shutdown]);
}

/**
 * Tells whoever is waiting that a person has to decide: the server's stderr, and the client as
 * progress when it asked for progress (so a client that resets its timeout on progress keeps waiting).
 */
export function approvalPendingReporter(ctx: McpContext, extra: Extra): (request: ApprovalRequestT) => void {
  return (request) => {
    const message = `waiting for the person to approve: ${describeRequest(request)}`;
    ctx.log(message);
    const progressToken = extra._meta?.progressToken;
    if (progressToken !== undefined) void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: 0, message } }).catch(() => {});
  };
}

/**
 * `use` with a connection of its own, closed afterwards. An abort closes it at once: a lease waiting
 * for a person is then withdrawn by the daemon, not granted to nobody.
 * @throws DaemonError from the daemon; TIMEOUT when aborted.
 */
export async function withDaemon<T>(ctx: McpContext, extra: Extra, use: (client: RpcClient) => Promise<T>): Promise<T> {
  const signal = callSignal(ctx, extra);
  signal.throwIfAborted();
  const client = await RpcClient.connect(ctx.socketPath);
  const onPending = approvalPendingReporter(ctx, extra);
  client.onNotification = (method, params) => {
    if (method === APPROVAL_PENDING_NOTIFICATION) onPending(params.request as ApprovalRequestT);
  };
  const abort = () => client.close();
  signal.addEventListener('abort', abort, { once: true });
  try {
    return await use(client);
  } catch (error) {
    if (signal.aborted) throw new DaemonError('TIMEOUT', 'the call was cancelled or the MCP server is shutting down');
    throw error;
  } finally {
    signal.removeEventListener('abort', abort);
    client.close();
  }
}
