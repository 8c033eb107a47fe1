/**
 * JSON-RPC 2.0 messages as the socket server reads and writes them: what a well-formed request is,
 * and how an error crosses the wire (a bug becomes INTERNAL without its message).
 */
import { DaemonError, isDaemonError, type ErrorShape, JSONRPC_APPLICATION_ERROR, JSONRPC_CODES } from '../../../shared/errors.js';
import type { RpcErrorObject, RpcRequest } from '../../../shared/jsonrpc.js';
import { createLogger } from '../logger.js';

const log = createLogger('rpc');

export type RequestId = number | string | null;

export function toRpcError(error: unknown): RpcErrorObject {
  if (isDaemonError(error)) {
    return { code: JSONRPC_CODES[error.code] ?? JSONRPC_APPLICATION_ERROR, message: error.message, data: error.toShape() };
  }
  // A bug: never leak its message (it could quote anything); the log has it.
  log.error('internal error', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  const data: ErrorShape = { code: 'INTERNAL', message: 'internal error', hint: 'see the daemon log' };
  return { code: JSONRPC_CODES.INTERNAL!, message: data.message, data };
}

/** One newline-terminated error response. */
export function errorLine(id: RequestId, error: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: toRpcError(error) }) + '\n';
}

export function isValidId(id: unknown): id is number | string {
  return (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.length <= 100);
}

/** @throws DaemonError INVALID_REQUEST describing what is wrong with the shape. */
export function parseRequest(message: unknown): RpcRequest {
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
