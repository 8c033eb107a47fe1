/**
 * JSON-RPC 2.0 over a Unix socket, one JSON object per line. Decides at accept who is calling and
 * whether they get a connection: the kernel's peer credentials (refused when they cannot be read,
 * unless unverified callers were allowed at start), who may use this socket (admission.ts), a share of the
 * connections per process and room held back for the emergency path. Every socket it accepts, served
 * or refused, is tracked until it closes, so stopping the daemon closes them all.
 */
import { type Server, type Socket, createServer } from 'node:net';
import type { PeerVerifier, VerifiedIdentity } from '../callers/peer-identity.js';
import type { SocketTransport } from '../callers/caller.js';
import type { Dispatch } from './dispatch.js';
import { type Admission, sameUserOnly } from './admission.js';
import type { EventBus } from '../events.js';
import { createLogger } from '../logger.js';
import { CLOSE_GRACE_MS, Connection, type ServerLimits } from './connection.js';
import { ConnectionLimits, type Slot } from './connection-limits.js';
import { errorLine } from './rpc-messages.js';

export type { ServerLimits } from './connection.js';
export { toRpcError } from './rpc-messages.js';

const log = createLogger('rpc');

const LISTEN_BACKLOG = 4096;

export interface RpcServerOptions {
  dispatch: Dispatch;
  events: EventBus;
  limits: ServerLimits;
  peers: PeerVerifier;
  /** A request came from a connection whose process exited or exec'd another program (audit it). */
  onPeerChanged?: (identity: VerifiedIdentity | null, method: string) => void;
  /** Who may connect (default: the daemon's own user only). */
  admission?: Admission;
  /** The owner's socket, or the agent socket (agent rights only: see dispatch.ts). */
  transport?: SocketTransport;
}

export class RpcServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  /** Every accepted socket until it closes: served, being refused, or lingering after an error frame. */
  private readonly sockets = new Set<Socket>();
  private readonly slots: ConnectionLimits;
  private readonly admission: Admission;
  private closing = false;

  constructor(private readonly options: RpcServerOptions) {
    this.slots = new ConnectionLimits(options.limits);
    this.admission = options.admission ?? sameUserOnly(process.getuid?.() ?? -1);
    this.server = createServer((socket) => this.accept(socket));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    if (this.closing) return void socket.destroy();
    const { peers, limits, transport = 'socket' } = this.options;
    let slot: Slot | null = null;
    try {
      const credentials = peers.credentialsOf(socket);
      try {
        this.admission(credentials);
      } catch (error) {
        log.warn('refused a connection', { transport, uid: credentials?.uid ?? null, pid: credentials?.pid ?? null });
        throw error;
      }
      slot = this.slots.admit(credentials !== null && credentials.pid > 0 ? credentials.pid : null);
      const peer = peers.identify(credentials);
      const taken = slot;
      const connection: Connection = new Connection({
        socket,
        transport,
        dispatch: this.options.dispatch,
        events: this.options.events,
        limits,
        peer,
        pool: taken.pool,
        onPeerChanged: this.options.onPeerChanged ?? (() => {}),
        onClose: () => {
          this.connections.delete(connection);
          this.slots.release(taken);
        },
      });
      this.connections.add(connection);
    } catch (error) {
      if (slot !== null) this.slots.release(slot);
      this.refuse(socket, error);
    }
  }

  /** Says why, half-closes, and destroys the socket after a grace whether or not the client reads. */
  private refuse(socket: Socket, error: unknown): void {
    socket.on('error', () => socket.destroy());
    socket.end(errorLine(null, error));
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
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

  /** Stops accepting and closes every socket it accepted (served, held back, or being refused). */
  close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.close();
    for (const socket of this.sockets) socket.destroy();
    return closed;
  }
}
