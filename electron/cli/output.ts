/**
 * How results reach the caller (DESIGN.md §4): a JSON envelope with `next_actions` when stdout is not
 * a terminal (or with --json), readable text on a terminal (or with --human). Errors also go to
 * stderr as `secrets: error: …` / `secrets: hint: …`.
 */
import { type ErrorShape, exitCodeFor, isDaemonError } from '../../shared/errors.js';
import { type Invocation, type NextAction, nextActionsOnError, nextActionsOnSuccess } from '../../shared/next-actions.js';
import { isTerminal, writeOut } from './stdio.js';

export { writeOut };

export type OutputMode = 'json' | 'human';

/** What this process was asked (one command per process): lets next_actions name its ids and names. */
let invocation: Invocation | undefined;

export function useInvocation(asked: Invocation): void {
  invocation = asked;
}

export function chooseMode(flags: { json?: boolean; human?: boolean }, stdoutIsTty = isTerminal(1)): OutputMode {
  if (flags.json) return 'json';
  if (flags.human) return 'human';
  return stdoutIsTty ? 'human' : 'json';
}

/** Prints a success; `human` renders the data for people. Returns the exit code. */
export function printSuccess(mode: OutputMode, command: string, data: Record<string, unknown>, human: () => string): number {
  if (mode === 'json') {
    writeOut(JSON.stringify({ ok: true, data, next_actions: nextActionsOnSuccess(command, data, invocation) }) + '\n');
  } else {
    const text = human();
    if (text) writeOut(text.endsWith('\n') ? text : text + '\n');
  }
  return 0;
}

/**
 * A DaemonError as it is (an expected outcome, or a local failure its code already explains). Anything
 * else is a bug and becomes INTERNAL without its message (shared/errors.ts): a library's message can
 * quote its input — a line of a file, a path, a value. Only its kind is said.
 */
export function toErrorShape(error: unknown): ErrorShape {
  if (isDaemonError(error)) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return {
    code: 'INTERNAL',
    message: `unexpected error in secrets (${errorKind(error)}): a bug, not something the caller did wrong`,
    hint: 'run the same command again; if it fails the same way, the person reports it with what was run (never a secret value)',
  };
}

/** The failure's kind in words that cannot carry data: an errno code (EACCES) or an error class (TypeError). */
function errorKind(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z0-9_]{1,30}$/.test(code)) return code;
  const name = error instanceof Error ? error.name : '';
  return /^[A-Za-z]{1,40}$/.test(name) ? name : 'unknown';
}

/**
 * The error and what to do next, as the CLI's envelope and the MCP tool error both carry it: the
 * commands its hint names (the daemon's knowledge: which secret is missing) and those of its code.
 */
export function errorReport(shape: ErrorShape, asked?: Invocation): { error: ErrorShape; next_actions: NextAction[] } {
  return { error: shape, next_actions: nextActionsOnError(shape.code, asked, shape.hint) };
}

/**
 * Prints an error. `envelope` is false for commands whose stdout is reserved for data (a raw lease
 * value), so a failing `export T=$(secrets lease x)` leaves T empty. Returns the exit code.
 */
export function printError(mode: OutputMode, error: unknown, envelope = true): number {
  const shape = toErrorShape(error);
  if (mode === 'json' && envelope) {
    writeOut(JSON.stringify({ ok: false, ...errorReport(shape, invocation) }) + '\n');
  }
  process.stderr.write(`secrets: error: ${shape.message}\n`);
  if (shape.hint) process.stderr.write(`secrets: hint: ${shape.hint}\n`);
  return exitCodeFor(shape.code);
}
