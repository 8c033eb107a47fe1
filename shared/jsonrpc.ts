/** JSON-RPC 2.0 message shapes and the newline-delimited framing both ends use. */
import type { ErrorShape } from './errors.js';

export const FRAME_DELIMITER = '\n';

export interface RpcRequest {
  jsonrpc: '2.0';
  id: number | string;
  method: string;
  params?: Record<string, unknown>;
  /** Proof of a person for admin methods (shared/admin-proof.ts), beside the params it covers. */
  auth?: { nonce?: unknown; proof?: unknown };
}

export interface RpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

export interface RpcErrorObject {
  code: number;
  message: string;
  data: ErrorShape;
}

export type RpcResponse =
  | { jsonrpc: '2.0'; id: number | string | null; result: unknown }
  | { jsonrpc: '2.0'; id: number | string | null; error: RpcErrorObject };
