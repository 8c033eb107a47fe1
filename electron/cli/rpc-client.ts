/**
 * The CLI's socket client: one connection, newline-delimited JSON-RPC, responses matched by id,
 * notifications handed to a listener. Kept tiny: agents start the CLI hundreds of times.
 */
import { type Socket, createConnection } from 'node:net';
import { DaemonError, type ErrorShape, isErrorCode } from '../../shared/errors.js';
import type { AdminProof, DaemonEvent, MethodName, ParamsOf, ResultOf } from '../../shared/protocol.js';
import { EVENT_NOTIFICATION } from '../../shared/notifications.js';
import type { RpcErrorObject } from '../../shared/jsonrpc.js';
import { socketPathProblem } from '../../shared/locations.js';
import { isAgentSocket } from './socket-choice.js';
import { AGENT_CANNOT_START } from '../../shared/next-actions.js';

const CONNECT_RETRIES = 50;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export function daemonNotRunning(socketPath: string): DaemonError {
  if (isAgentSocket(socketPath)) {
    return new DaemonError(
      'DAEMON_NOT_RUNNING',
      `the person's daemon is not serving agents (no answer on the agent socket ${socketPath})`,
      `ask the person who owns the store to start their daemon or the Agent Secrets app; ${AGENT_CANNOT_START}`,
    );
  }
  return new DaemonError('DAEMON_NOT_RUNNING', `the daemon is not running (no answer on ${socketPath})`, 'the person must start it with: secrets serve (it asks for the store passphrase), or open the Agent Secrets app');
}

function toError(error: RpcErrorObject): DaemonError {
  const data = error.data as Partial<ErrorShape> | undefined;
  const code = isErrorCode(data?.code) ? data.code : 'INTERNAL';
  return new DaemonError(code, data?.message ?? error.message, data?.hint);
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer = '';
  private closedError: Error | null = null;
  onEvent: ((event: DaemonEvent) => void) | null = null;
  /** Notifications other than events (e.g. that a lease waits for approval). */
  onNotification: ((method: string, params: Record<string, unknown>) => void) | null = null;
  onClose: (() => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => this.fail(new DaemonError('INTERNAL', 'the daemon closed the connection', 'check that the daemon is still running: secrets status')));
    socket.on('error', () => {});
  }

  /** @throws DaemonError DAEMON_NOT_RUNNING when nothing listens on the socket. */
  static connect(socketPath: string): Promise<RpcClient> {
    const problem = socketPathProblem(socketPath);
    if (problem) return Promise.reject(new DaemonError('USAGE', problem.message, problem.hint));
    return RpcClient.attempt(socketPath, CONNECT_RETRIES);
  }

  /** EAGAIN means the daemon's accept queue is full for a moment (a burst of agents): retry briefly. */
  private static attempt(socketPath: string, retries: number): Promise<RpcClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(socketPath);
      socket.once('connect', () => resolve(new RpcClient(socket)));
      socket.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EAGAIN' && retries > 0) {
          setTimeout(() => RpcClient.attempt(socketPath, retries - 1).then(resolve, reject), 10 + Math.random() * 20);
        } else if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED' || error.code === 'ENOTSOCK') {
          reject(daemonNotRunning(socketPath));
        } else {
          reject(new DaemonError('INTERNAL', `cannot reach the daemon on ${socketPath}: ${error.code ?? error.message}`, 'check AGENT_SECRETS_SOCKET and its permissions'));
        }
      });
    });
  }

  call<M extends MethodName>(method: M, params: ParamsOf<M>, auth?: AdminProof): Promise<ResultOf<M>> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    const request = auth ? { jsonrpc: '2.0', id, method, params, auth } : { jsonrpc: '2.0', id, method, params };
    this.socket.write(JSON.stringify(request) + '\n');
    return new Promise((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.length > 0) this.onMessage(JSON.parse(line));
      newline = this.buffer.indexOf('\n');
    }
  }

  private onMessage(message: { id?: number | null; result?: unknown; error?: RpcErrorObject; method?: string; params?: Record<string, unknown> }): void {
    if (message.method !== undefined) {
      if (message.method === EVENT_NOTIFICATION) this.onEvent?.(message.params as unknown as DaemonEvent);
      else this.onNotification?.(message.method, message.params ?? {});
      return;
    }
    const pending = message.id == null ? undefined : this.pending.get(message.id);
    if (!pending) {
      // An error without an id is about the connection itself (timeouts, limits).
      if (message.error) this.fail(toError(message.error));
      return;
    }
    this.pending.delete(message.id!);
    if (message.error) pending.reject(toError(message.error));
    else pending.resolve(message.result);
  }

  private fail(error: Error): void {
    if (this.closedError) return;
    this.closedError = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.onClose?.();
  }
}
