/**
 * The one error vocabulary shared by daemon, CLI and UI. An expected outcome (a secret that does not
 * exist, a denied approval) is a DaemonError with a code; anything else is a bug and becomes INTERNAL
 * at the transport boundary without leaking its message.
 */

/** Every error code, with the CLI exit code it maps to (DESIGN.md §4). */
export const ERROR_CODES = {
  USAGE: 2,
  INVALID_PARAMS: 2,
  INVALID_DURATION: 2,
  INVALID_NAME: 2,
  INVALID_VALUE: 2,
  INVALID_CONFIG: 2,
  SECRET_NOT_FOUND: 3,
  LEASE_NOT_FOUND: 3,
  REQUEST_NOT_FOUND: 3,
  GRANT_NOT_FOUND: 3,
  STORE_NOT_FOUND: 3,
  PROJECT_NOT_FOUND: 3,
  DENIED: 4,
  ADMIN_REQUIRED: 4,
  PASSPHRASE_INCORRECT: 4,
  ADMIN_LOCKED: 4,
  LOCKED: 5,
  KILLSWITCH_ENGAGED: 5,
  LEASE_EXPIRED: 6,
  LEASE_REVOKED: 6,
  DAEMON_NOT_RUNNING: 69,
  SECRET_EXISTS: 1,
  STORE_EXISTS: 1,
  DAEMON_ALREADY_RUNNING: 1,
  UNSAFE_PERMISSIONS: 1,
  AUDIT_WRITE_FAILED: 1,
  // The disk under the data dir: full, read-only, or a store file damaged (electron/daemon/store/storage-failure.ts).
  DISK_FULL: 1,
  STORE_READ_ONLY: 1,
  STORE_CORRUPT: 1,
  AUDIT_TAMPERED: 1,
  ROTATION_FAILED: 1,
  PARSE_ERROR: 1,
  INVALID_REQUEST: 1,
  METHOD_NOT_FOUND: 1,
  FRAME_TOO_LARGE: 1,
  TOO_MANY_CONNECTIONS: 1,
  TIMEOUT: 1,
  INTERNAL: 1,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const EXIT_OK = 0;
export const EXIT_DAEMON_NOT_RUNNING = 69;

/** JSON-RPC 2.0 numeric codes; our own code travels in `error.data.code`. */
export const JSONRPC_CODES: Partial<Record<ErrorCode, number>> = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL: -32603,
};
export const JSONRPC_APPLICATION_ERROR = -32000;

export interface ErrorShape {
  code: ErrorCode;
  message: string;
  hint?: string;
}

export class DaemonError extends Error implements ErrorShape {
  readonly code: ErrorCode;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'DaemonError';
    this.code = code;
    this.hint = hint;
  }

  toShape(): ErrorShape {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

/**
 * True for a DaemonError from any bundle: the CLI and the daemon code it loads in-process are bundled
 * separately, so `instanceof` alone would miss the other bundle's class.
 */
export function isDaemonError(error: unknown): error is DaemonError {
  return error instanceof Error && error.name === 'DaemonError' && isErrorCode((error as { code?: unknown }).code);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function exitCodeFor(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** For exhaustive switches: `default: throw missingCase(x)` where `x: never`. */
export function missingCase(value: never): Error {
  return new Error(`unhandled case: ${JSON.stringify(value)}`);
}
