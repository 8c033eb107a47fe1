/**
 * What a tool call answers. A success is the data as JSON text; a failure is an MCP tool error
 * (`isError: true`) carrying the same `{code, message, hint}` and `next_actions` as the CLI's error
 * envelope, so an agent reads both the same way. Nothing here ever holds a secret value: the tools
 * hand over names, ids and masked output only (the opt-in `secrets_lease` excepted).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ErrorShape } from '../../shared/errors.js';
import { errorReport, toErrorShape } from '../cli/output.js';

export function succeeded(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data) }] };
}

/** A tool error from a DaemonError (anything else becomes INTERNAL), with `extra` fields beside it (an exec's output). */
export function failed(error: unknown, extra: Record<string, unknown> = {}): CallToolResult {
  return failedWith(toErrorShape(error), extra);
}

export function failedWith(shape: ErrorShape, extra: Record<string, unknown> = {}): CallToolResult {
  // No invocation: a tool call is not a command line, so only what the hint and the code name.
  const { error, next_actions } = errorReport(shape);
  const body = { error, ...extra, next_actions };
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }] };
}
