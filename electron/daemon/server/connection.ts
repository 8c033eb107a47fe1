/**
 * One client connection: frames in, answers out, and the limits that keep one client from costing
 * the daemon more than its share. A bounded number of its requests run at once; frames beyond that
 * stay unparsed and the socket is not read meanwhile; nothing new is taken up while the client leaves
 * its answers unread (output over a high-water mark), so memory stays bounded whatever it sends.
 * Every request is first checked to come from the very process that opened the connection.
 */
import type { Socket } from 'node:net';
import { DaemonError } from '../../../shared/errors.js';
import { EVENT_NOTIFICATION, type DaemonEvent } from '../../../shared/protocol.js';
import type { RpcRequest } from '../../../shared/jsonrpc.js';
import type { Caller, SocketTransport } from '../callers/caller.js';
import type { AcceptedPeer, VerifiedIdentity } from '../callers/peer-identity.js';
import type { EventBus } from '../events.js';
import type { ServerLimits } from '../config.js';
import { createLogger } from '../logger.js';
import type { Dispatch } from './dispatch.js';
import { EMERGENCY_METHODS, type Pool, reservedOnly } from './connection-limits.js';
import { FrameReader } from './frame-reader.js';
import { eventForAgent } from './agent-events.js';
import { type RequestId, errorLine, isValidId, parseRequest } from './rpc-messages.js';

const log = createLogger('rpc');

export type { ServerLimits } from '../config.js';

/** Unsent output beyond which no further request of the connection is taken up until it drains. */
export const OUTPUT_HIGH_WATER_BYTES = 1024 * 1024;
/** A subscriber this far behind on reading is dropped rather than buffered without bound. */
const MAX_SUBSCRIBER_BACKLOG_BYTES = 8 * 1024 * 1024;
/** After an error frame, how long the client gets to read it before the socket is destroyed. */
export const CLOSE_GRACE_MS = 1000;
/** A held-back connection is for one emergency call, not to keep: closed after this long whatever it does. */
const RESERVED_LIFETIME_MS = 30_000;

export interface ConnectionOptions {
  socket: Socket;
  transport: SocketTransport;
  dispatch: Dispatch;
  events: EventBus;
  limits: ServerLimits;
  peer: AcceptedPeer;
  pool: Pool;
  /** The process that opened the connection exited or exec'd another program (for the audit log). */
  onPeerChanged: (identity: VerifiedIdentity | null, method: string) => void;
  onClose: () => void;
}

export class Connection {
  private readonly socket: Socket;
  private readonly reader: FrameReader;
  private frameTimer: NodeJS.Timeout | null = null;
  private lifetimeTimer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private pumpScheduled = false;
  private waitingForDrain = false;
  private unsubscribe: (() => void) | null = null;
  private closed = false;
  private readonly closing = new AbortController();

  constructor(private readonly options: ConnectionOptions) {
    const { socket, limits, pool } = options;
    this.socket = socket;
    this.reader = new FrameReader(limits.maxFrameBytes);
    socket.setNoDelay(true);
    socket.setTimeout(pool === 'reserved' ? limits.reservedIdleTimeoutMs : limits.idleTimeoutMs, () => this.onIdle());
    if (pool === 'reserved') {
      const expire = () => this.fail(null, new DaemonError('TIMEOUT', `a held-back connection is closed after ${RESERVED_LIFETIME_MS / 1000} s`, 'reconnect for the next request'));
      this.lifetimeTimer = setTimeout(expire, RESERVED_LIFETIME_MS).unref();
    }
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      this.pump();
    });
    socket.on('drain', () => {
      if (!this.waitingForDrain) return;
      this.waitingForDrain = false;
      this.pump();
    });
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get pool(): Pool {
    return this.options.pool;
  }

  /**
   * Takes up requests while the connection has room for them: fewer than the in-flight limit running
   * and its answers being read. One request per turn of the event loop, so an answer is written (and
   * counted against the high-water mark) before the next request is parsed.
   */
  private pump(): void {
    if (this.closed || this.pumpScheduled) return;
    if (this.inFlight >= this.options.limits.maxRequestsInFlight || this.outputBacklogged()) return this.pauseReading();
    let frame: Buffer | null;
    try {
      frame = this.reader.next();
    } catch {
      return this.fail(null, new DaemonError('FRAME_TOO_LARGE', `a request frame exceeded ${this.options.limits.maxFrameBytes} bytes`, 'send smaller requests, one JSON object per line'));
    }
    if (frame === null) {
      this.resumeReading();
      if (this.reader.buffered > 0) this.startFrameTimer();
      return;
    }
    // The frame that was being timed is complete: a new partial frame gets its own full time.
    this.clearFrameTimer();
    if (frame.length > 0) this.onFrame(frame);
    if (this.closed || this.reader.buffered === 0) return this.resumeReading();
    this.pauseReading();
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private outputBacklogged(): boolean {
    if (this.socket.writableLength < OUTPUT_HIGH_WATER_BYTES) return false;
    this.waitingForDrain = true;
    return true;
  }

  private pauseReading(): void {
    if (!this.socket.isPaused()) this.socket.pause();
  }

  private resumeReading(): void {
    if (this.socket.isPaused() && !this.closed) this.socket.resume();
  }

  private startFrameTimer(): void {
    this.frameTimer ??= setTimeout(() => {
      this.fail(null, new DaemonError('TIMEOUT', `a request frame was not completed within ${this.options.limits.frameTimeoutMs} ms`, 'send one JSON object per line, ending with \\n'));
    }, this.options.limits.frameTimeoutMs);
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
    const { peer, pool, limits } = this.options;
    if (peer.watch !== null && !peer.watch.unchanged()) {
      log.warn('refused a request: the process that opened the connection changed', { pid: peer.identity?.pid ?? null, method: request.method.slice(0, 60) });
      this.options.onPeerChanged(peer.identity, request.method.slice(0, 60));
      return this.fail(
        request.id,
        new DaemonError('DENIED', 'the process that opened this connection changed (it exited or ran another program); reconnect', 'open a new connection from the process that sends the requests'),
      );
    }
    if (pool === 'reserved' && request.auth === undefined && !EMERGENCY_METHODS.has(request.method)) {
      return this.fail(request.id, reservedOnly(request.method, limits.maxConnections));
    }
    void this.handle(request);
  }

  private async handle(request: RpcRequest): Promise<void> {
    const identity = this.options.peer.identity;
    const caller: Caller = {
      transport: this.options.transport,
      proof: request.auth,
      identity: () => identity,
      subscribe: () => this.subscribe(),
      notify: (method, params) => this.send({ jsonrpc: '2.0', method, params }),
      signal: this.closing.signal,
    };
    this.inFlight++;
    try {
      const result = await this.options.dispatch(caller, request.method, request.params);
      this.send({ jsonrpc: '2.0', id: request.id, result });
    } catch (error) {
      this.write(errorLine(request.id, error));
    } finally {
      this.inFlight--;
      this.pump();
    }
  }

  private subscribe(): void {
    const launcher = this.options.peer.identity?.launcher_key ?? 'unknown';
    const visible = this.options.transport === 'agent-socket' ? (event: DaemonEvent) => eventForAgent(event, launcher) : (event: DaemonEvent) => event;
    this.unsubscribe ??= this.options.events.subscribe((event: DaemonEvent) => {
      const shown = visible(event);
      if (shown === null) return;
      if (this.socket.writableLength > MAX_SUBSCRIBER_BACKLOG_BYTES) {
        log.warn('dropping a subscriber that stopped reading');
        return this.close();
      }
      this.send({ jsonrpc: '2.0', method: EVENT_NOTIFICATION, params: shown });
    });
  }

  private onIdle(): void {
    if (this.unsubscribe !== null || this.inFlight > 0) return;
    const timeout = this.options.pool === 'reserved' ? this.options.limits.reservedIdleTimeoutMs : this.options.limits.idleTimeoutMs;
    this.fail(null, new DaemonError('TIMEOUT', `connection idle for ${timeout} ms`, 'reconnect when you have a request'));
  }

  private send(message: object): void {
    this.write(JSON.stringify(message) + '\n');
  }

  /** Writes without waiting: pump() takes nothing new up while the client leaves this unread. */
  private write(line: string): void {
    if (!this.closed) this.socket.write(line);
  }

  /** Sends an error (the answer to `id`, or a protocol error) and disconnects. */
  fail(id: RequestId, error: unknown): void {
    if (this.closed) return;
    this.socket.end(errorLine(id, error));
    this.close(false);
  }

  /** Closes the connection: at once, or (`destroy` false) after the client had time to read the last frame. */
  close(destroy = true): void {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    this.clearFrameTimer();
    if (this.lifetimeTimer !== null) clearTimeout(this.lifetimeTimer);
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.options.peer.watch?.close();
    if (destroy) this.socket.destroy();
    else setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
    this.options.onClose();
  }

  private clearFrameTimer(): void {
    if (this.frameTimer !== null) clearTimeout(this.frameTimer);
    this.frameTimer = null;
  }
}
