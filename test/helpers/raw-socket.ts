/**
 * A raw client for the daemon's socket, for tests that must break the protocol on purpose: it sends
 * exactly the bytes it is given and records every newline-delimited frame the daemon sends back,
 * and when (if ever) the daemon ends the connection.
 */
import { type Socket, createConnection } from 'node:net';

export interface RpcErrorFrame {
  code: number;
  message: string;
  data: { code: string; message: string; hint?: string };
}

export interface RpcFrame {
  jsonrpc?: string;
  id?: unknown;
  result?: any;
  error?: RpcErrorFrame;
  method?: string;
  params?: unknown;
  /** Set when the daemon sent a line that is not JSON. */
  unparsable?: string;
}

export class RawClient {
  readonly frames: RpcFrame[] = [];
  /** Bytes received in total (frames and any unterminated tail). */
  receivedBytes = 0;
  /** When the daemon half-closed (FIN) or the socket closed, in Date.now() ms. */
  endedAt: number | null = null;
  closedAt: number | null = null;
  readonly openedAt = Date.now();
  socketError: NodeJS.ErrnoException | null = null;

  private buffer = '';
  private readFrames = 0;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.receivedBytes += Buffer.byteLength(chunk);
      this.buffer += chunk;
      for (let nl = this.buffer.indexOf('\n'); nl !== -1; nl = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        if (line.length === 0) continue;
        try {
          this.frames.push(JSON.parse(line) as RpcFrame);
        } catch {
          this.frames.push({ unparsable: line });
        }
      }
      this.notify();
    });
    socket.on('end', () => {
      this.endedAt ??= Date.now();
      this.notify();
    });
    socket.on('close', () => {
      this.endedAt ??= Date.now();
      this.closedAt ??= Date.now();
      this.notify();
    });
    // EPIPE / ECONNRESET after the daemon hung up are expected in these tests; recorded, not thrown.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.socketError ??= error;
    });
  }

  static connect(path: string, timeoutMs = 5000): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${path} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new RawClient(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  get closed(): boolean {
    return this.closedAt !== null;
  }

  /** Writes bytes as given; resolves once they are handed to the kernel (or the socket died). */
  send(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || !this.socket.writable) return resolve();
      this.socket.write(data, () => resolve());
    });
  }

  /** Sends one JSON-RPC request line. */
  sendRequest(id: unknown, method: string, params?: unknown, auth?: unknown): Promise<void> {
    const request: Record<string, unknown> = { jsonrpc: '2.0', id, method };
    if (params !== undefined) request.params = params;
    if (auth !== undefined) request.auth = auth;
    return this.send(JSON.stringify(request) + '\n');
  }

  /** Sends a request and waits for the response with that id. */
  async request(id: number | string, method: string, params?: unknown, auth?: unknown, timeoutMs = 5000): Promise<RpcFrame> {
    const from = this.frames.length;
    await this.sendRequest(id, method, params, auth);
    return this.waitFor((f) => f.id === id, `response to ${method} #${id}`, timeoutMs, from);
  }

  /** The next frame not yet returned by next(). */
  async next(timeoutMs = 5000): Promise<RpcFrame> {
    await this.until(() => this.frames.length > this.readFrames, 'a frame', timeoutMs);
    return this.frames[this.readFrames++]!;
  }

  /** The first frame at index `from` or later matching the predicate. */
  async waitFor(match: (frame: RpcFrame) => boolean, what: string, timeoutMs = 5000, from = 0): Promise<RpcFrame> {
    const find = () => this.frames.slice(from).find(match);
    await this.until(() => find() !== undefined, what, timeoutMs);
    return find()!;
  }

  /** Resolves with the time the daemon ended the connection; rejects if it has not within timeoutMs. */
  async waitEnded(timeoutMs = 5000): Promise<number> {
    await this.until(() => this.endedAt !== null, 'the daemon to end the connection', timeoutMs);
    return this.endedAt!;
  }

  until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        const tail = this.frames.slice(-3).map((f) => JSON.stringify(f).slice(0, 300));
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ended=${this.endedAt !== null}, last frames: ${tail.join(' | ') || '(none)'}`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Opens a connection, sends `payload`, and returns the first frame (or how the connection failed). */
export async function probe(path: string, payload: string, timeoutMs = 10_000): Promise<{ frame?: RpcFrame; connectError?: string; ended: boolean }> {
  let client: RawClient;
  try {
    client = await RawClient.connect(path, timeoutMs);
  } catch (error) {
    return { connectError: (error as NodeJS.ErrnoException).code ?? (error as Error).message, ended: true };
  }
  try {
    await client.send(payload);
    const frame = await client.next(timeoutMs).catch(() => undefined);
    return { frame, ended: client.endedAt !== null };
  } finally {
    client.destroy();
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
