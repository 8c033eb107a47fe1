/** A minimal newline-delimited JSON-RPC 2.0 client for one request per connection (health probes, status). */
import { createConnection } from 'node:net';

export class RpcCallError extends Error {
  constructor(readonly error: { code: number; message: string; data?: unknown }) {
    super(`rpc error ${error.code}: ${error.message}`);
  }
}

/** Connects, sends one request, resolves with its result (rejects with the RPC error or a socket error). */
export function rpcCall(socketPath: string, method: string, params: object = {}, timeoutMs = 5000): Promise<any> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffer = '';
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    const timer = setTimeout(() => settle(() => reject(new Error(`${method}: no answer within ${timeoutMs} ms`))), timeoutMs);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) + '\n'));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline === -1) return;
      const message = JSON.parse(buffer.slice(0, newline)) as { result?: unknown; error?: { code: number; message: string } };
      settle(() => (message.error ? reject(new RpcCallError(message.error)) : resolve(message.result)));
    });
    socket.once('error', (error) => settle(() => reject(error)));
    socket.once('close', () => settle(() => reject(new Error(`${method}: connection closed before an answer`))));
  });
}

export interface WaitOptions {
  timeoutMs?: number;
  pollMs?: number;
  /** Checked between attempts: throw to give up early (e.g. the daemon exited). */
  check?: () => void;
}

/** Polls `health` until it answers ok; resolves with performance.now() at the moment it did. */
export async function waitForHealth(socketPath: string, options: WaitOptions = {}): Promise<number> {
  const deadline = performance.now() + (options.timeoutMs ?? 20_000);
  const pollMs = options.pollMs ?? 2;
  let lastError: unknown;
  while (performance.now() < deadline) {
    options.check?.();
    try {
      const result = (await rpcCall(socketPath, 'health', {}, 2000)) as { ok?: boolean };
      if (result?.ok) return performance.now();
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`no health answer on ${socketPath}: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

/** Sends requests over one connection, one after another, and waits for every answer. */
export function callAll(socket: string, requests: { method: string; params: object }[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const connection = createConnection(socket);
    let answered = 0;
    let buffer = '';
    connection.on('error', reject);
    connection.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        const message = JSON.parse(buffer.slice(0, nl)) as { error?: { message: string }; id?: number };
        buffer = buffer.slice(nl + 1);
        if (message.id === undefined) continue;
        if (message.error) return reject(new Error(message.error.message));
        if (++answered === requests.length) {
          connection.end();
          resolve();
        }
      }
    });
    connection.write(requests.map((r, id) => JSON.stringify({ jsonrpc: '2.0', id, ...r }) + '\n').join(''));
  });
}
