/**
 * Running a rotation hook: `sh -c CMD` in a clean environment (no daemon variables), in its own
 * process group so a timeout kills everything it started. Its stdout, trimmed of one trailing
 * newline, is the new value; stderr is discarded. Nothing it prints is ever logged or returned —
 * callers get the value (to store) or a reason, an exit code and a duration.
 */
import { spawn } from 'node:child_process';
import { MAX_VALUE_BYTES } from '../../../shared/names.js';

export type HookResult =
  | { ok: true; value: string; exit_code: 0; duration_ms: number }
  | { ok: false; reason: string; exit_code: number | null; duration_ms: number };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The environment a hook sees: enough to find programs and a home, nothing of the daemon's. */
export function hookEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: env.HOME ?? '/', LANG: 'C.UTF-8' };
}

export function runRotationHook(command: string, timeoutMs: number, now: () => number = Date.now): Promise<HookResult> {
  const started = now();
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { env: hookEnvironment(), stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    const chunks: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_VALUE_BYTES + 2) chunks.push(chunk);
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve({ ok: false, reason: 'the hook could not be started', exit_code: null, duration_ms: now() - started });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup();
      const duration_ms = now() - started;
      if (timedOut) return resolve({ ok: false, reason: `timed out after ${timeoutMs} ms`, exit_code: code, duration_ms });
      if (code !== 0) return resolve({ ok: false, reason: `exited with ${code}`, exit_code: code, duration_ms });
      resolve(toValue(Buffer.concat(chunks), size, duration_ms));
    });
  });
}

function toValue(stdout: Buffer, size: number, duration_ms: number): HookResult {
  const fail = (reason: string): HookResult => ({ ok: false, reason, exit_code: 0, duration_ms });
  if (size > MAX_VALUE_BYTES + 2) return fail(`printed more than ${MAX_VALUE_BYTES} bytes`);
  let text: string;
  try {
    text = strictUtf8.decode(stdout);
  } catch {
    return fail('printed something that is not UTF-8 text');
  }
  const value = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  if (value.length === 0) return fail('printed nothing');
  if (value.includes('\0')) return fail('printed a NUL byte');
  return { ok: true, value, exit_code: 0, duration_ms };
}
