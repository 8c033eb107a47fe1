/**
 * JSON-RPC 2.0 over a Unix socket, one JSON object per line. Defends the daemon against its clients:
 * frames have a size limit, a started frame must finish in time, idle connections are closed, the
 * number of connections is capped. A client that breaks the protocol gets an error and is
 * disconnected; everyone else keeps being served.
 */
import { type Server, type Socket, createServer } from 'node:net';
import { DaemonError, isDaemonError, type ErrorShape, JSONRPC_APPLICATION_ERROR, JSONRPC_CODES } from '../../../shared/errors.js';
import { EVENT_NOTIFICATION, type DaemonEvent } from '../../../shared/protocol.js';
import type { RpcErrorObject, RpcRequest } from '../../../shared/jsonrpc.js';
import type { Caller } from '../callers/caller.js';
import type { Dispatch } from './dispatch.js';
import type { EventBus } from '../events.js';
import { createLogger } from '../logger.js';
import { type PeerCredentials, type VerifiedIdentity, describePeer, peerCredentialsOf } from '../callers/peer-identity.js';

const log = createLogger('rpc');

export interface ServerLimits {
  maxConnections: number;
  maxFrameBytes: number;
  idleTimeoutMs: number;
  frameTimeoutMs: number;
}

/** A subscriber this far behind on reading is dropped rather than buffered without bound. */
const MAX_SUBSCRIBER_BACKLOG_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;
const LISTEN_BACKLOG = 4096;

type RequestId = number | string | null;

export function toRpcError(error: unknown): RpcErrorObject {
  if (isDaemonError(error)) {
    return { code: JSONRPC_CODES[error.code] ?? JSONRPC_APPLICATION_ERROR, message: error.message, data: error.toShape() };
  }
  // A bug: never leak its message (it could quote anything); the log has it.
  log.error('internal error', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  const data: ErrorShape = { code: 'INTERNAL', message: 'internal error', hint: 'see the daemon log' };
  return { code: JSONRPC_CODES.INTERNAL!, message: data.message, data };
}

function isValidId(id: unknown): id is number | string {
  return (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.length <= 100);
}

/** @throws DaemonError INVALID_REQUEST describing what is wrong with the shape. */
function parseRequest(message: unknown): RpcRequest {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new DaemonError('INVALID_REQUEST', 'a request must be a JSON object (batches are not supported)');
  }
  const m = message as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') throw new DaemonError('INVALID_REQUEST', 'the "jsonrpc" member must be "2.0"');
  if (!isValidId(m.id)) throw new DaemonError('INVALID_REQUEST', 'the "id" member must be a number or a short string');
  if (typeof m.method !== 'string') throw new DaemonError('INVALID_REQUEST', 'the "method" member must be a string');
  if (m.params !== undefined && (typeof m.params !== 'object' || m.params === null || Array.isArray(m.params))) {
    throw new DaemonError('INVALID_REQUEST', 'the "params" member must be an object');
  }
  if (m.auth !== undefined && (typeof m.auth !== 'object' || m.auth === null)) {
    throw new DaemonError('INVALID_REQUEST', 'the "auth" member must be an object');
  }
  return m as unknown as RpcRequest;
}

class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private frameTimer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private unsubscribe: (() => void) | null = null;
  private closed = false;

  private identity: VerifiedIdentity | null | undefined;
  private readonly closing = new AbortController();

  constructor(
    private readonly socket: Socket,
    private readonly dispatch: Dispatch,
    private readonly events: EventBus,
    private readonly limits: ServerLimits,
    private readonly peer: PeerCredentials | null,
    private readonly onClose: () => void,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs, () => this.onIdle());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    for (let index = chunk.indexOf(NEWLINE); index !== -1 && !this.closed; index = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, index);
      if (this.buffered + piece.length > this.limits.maxFrameBytes) return this.tooLarge();
      const frame = this.chunks.length === 0 ? piece : Buffer.concat([...this.chunks, piece]);
      this.chunks = [];
      this.buffered = 0;
      start = index + 1;
      // The frame that was being timed is complete: a new partial frame gets its own full time.
      this.clearFrameTimer();
      if (frame.length > 0) this.onFrame(frame);
    }
    if (this.closed || start >= chunk.length) return;
    const rest = chunk.subarray(start);
    if (this.buffered + rest.length > this.limits.maxFrameBytes) return this.tooLarge();
    this.chunks.push(rest);
    this.buffered += rest.length;
    this.frameTimer ??= setTimeout(() => {
      this.fail(null, new DaemonError('TIMEOUT', `a request frame was not completed within ${this.limits.frameTimeoutMs} ms`, 'send one JSON object per line, ending with \\n'));
    }, this.limits.frameTimeoutMs);
  }

  private tooLarge(): void {
    this.fail(null, new DaemonError('FRAME_TOO_LARGE', `a request frame exceeded ${this.limits.maxFrameBytes} bytes`, 'send smaller requests, one JSON object per line'));
  }

  private onFrame(frame: Buffer): void {
    let message: unknown;
    try {
      message = JSON.parse(frame.toString('utf8'));
    } catch {
      return this.fail(null, new DaemonError('PARSE_ERROR', 'the request is not valid JSON', 'send one JSON-RPC 2.0 object per line'));
    }
    let request: RpcRequest;
    try {
      request = parseRequest(message);
    } catch (error) {
      const id = (message as { id?: unknown })?.id;
      return this.fail(isValidId(id) ? id : null, error);
    }
    void this.handle(request);
  }

  private async handle(request: RpcRequest): Promise<void> {
    const caller: Caller = {
      transport: 'socket',
      proof: request.auth?.passphrase === undefined ? undefined : { passphrase: String(request.auth.passphrase) },
      identity: () => (this.identity ??= this.peer === null ? null : describePeer(this.peer)),
      subscribe: () => this.subscribe(),
      notify: (method, params) => this.send({ jsonrpc: '2.0', method, params }),
      signal: this.closing.signal,
    };
    this.inFlight++;
    try {
      const result = await this.dispatch(caller, request.method, request.params);
      this.send({ jsonrpc: '2.0', id: request.id, result });
    } catch (error) {
      this.send({ jsonrpc: '2.0', id: request.id, error: toRpcError(error) });
    } finally {
      this.inFlight--;
    }
  }

  private subscribe(): void {
    this.unsubscribe ??= this.events.subscribe((event: DaemonEvent) => {
      if (this.socket.writableLength > MAX_SUBSCRIBER_BACKLOG_BYTES) {
        log.warn('dropping a subscriber that stopped reading');
        return this.close();
      }
      this.send({ jsonrpc: '2.0', method: EVENT_NOTIFICATION, params: event });
    });
  }

  private onIdle(): void {
    if (this.unsubscribe !== null || this.inFlight > 0) return;
    this.fail(null, new DaemonError('TIMEOUT', `connection idle for ${this.limits.idleTimeoutMs} ms`, 'reconnect when you have a request'));
  }

  /**
   * Writes a message. When the client stops reading and the kernel buffer is full, stop reading its
   * requests until it drains, so an unread connection cannot grow the daemon's memory without bound.
   */
  private send(message: object): void {
    if (this.closed) return;
    if (!this.socket.write(JSON.stringify(message) + '\n') && !this.socket.isPaused()) {
      this.socket.pause();
      this.socket.once('drain', () => this.socket.resume());
    }
  }

  /** Sends a protocol error and disconnects. */
  fail(id: RequestId, error: unknown): void {
    if (this.closed) return;
    this.socket.end(JSON.stringify({ jsonrpc: '2.0', id, error: toRpcError(error) }) + '\n');
    this.close(false);
  }

  close(destroy = true): void {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    this.clearFrameTimer();
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (destroy) this.socket.destroy();
    else setTimeout(() => this.socket.destroy(), 1000).unref();
    this.onClose();
  }

  private clearFrameTimer(): void {
    if (this.frameTimer !== null) clearTimeout(this.frameTimer);
    this.frameTimer = null;
  }
}

export class RpcServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();

  /** `ownUid`: the only user whose processes may connect (the daemon's own). */
  constructor(dispatch: Dispatch, events: EventBus, limits: ServerLimits, ownUid = process.getuid?.() ?? -1) {
    this.server = createServer((socket) => {
      const refuse = (error: DaemonError) => {
        socket.on('error', () => socket.destroy());
        socket.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: toRpcError(error) }) + '\n');
      };
      if (this.connections.size >= limits.maxConnections) {
        return refuse(new DaemonError('TOO_MANY_CONNECTIONS', `the daemon is serving its maximum of ${limits.maxConnections} connections`, 'retry shortly'));
      }
      const peer = peerCredentialsOf(socket);
      if (peer !== null && peer.uid !== ownUid) {
        log.warn('refused a connection from another user', { uid: peer.uid, pid: peer.pid });
        return refuse(new DaemonError('DENIED', `connections from other users are refused (uid ${peer.uid})`, 'run the secrets CLI as the user who runs the daemon'));
      }
      const connection: Connection = new Connection(socket, dispatch, events, limits, peer, () => this.connections.delete(connection));
      this.connections.add(connection);
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  listen(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      // A deep backlog: a burst of agents connecting at once queues instead of failing with EAGAIN.
      this.server.listen({ path, backlog: LISTEN_BACKLOG }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    for (const connection of this.connections) connection.close();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
