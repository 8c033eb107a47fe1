/**
 * The environment variables of a launcher that make it run other code than its executable and script
 * (LD_PRELOAD, NODE_OPTIONS=--require=…, PYTHONPATH …). They become part of the launcher key, so that
 * a grant for `node bot.js` does not also cover `NODE_OPTIONS=--require=evil.js node bot.js`.
 *
 * Read from `/proc/<pid>/environ`: the environment the process was started with (what the loader and
 * the interpreter acted on), which a process of the same user can read. Only the variables below are
 * kept; the rest of the environment (tokens, paths, anything) is never read into the key.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** A process's environment, or null when it cannot be read (gone, or not dumpable). */
export type EnvironmentReader = (pid: number) => Map<string, string> | null;

/** For any executable: the dynamic loader injects or swaps libraries. */
const ANY_PROGRAM = ['LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'DYLD_INSERT_LIBRARIES', 'DYLD_LIBRARY_PATH', 'DYLD_FRAMEWORK_PATH'];

/** Per interpreter family: the variables it reads code (or where to find code) from. */
const BY_FAMILY: Record<string, string[]> = {
  node: ['NODE_OPTIONS', 'NODE_PATH', 'OPENSSL_CONF'],
  bun: ['NODE_OPTIONS', 'NODE_PATH', 'BUN_OPTIONS', 'BUN_INSPECT', 'BUN_INSPECT_CONNECT_TO', 'BUN_INSPECT_PRELOAD'],
  deno: ['DENO_DIR', 'DENO_V8_FLAGS'],
  python: ['PYTHONSTARTUP', 'PYTHONPATH', 'PYTHONHOME', 'PYTHONINSPECT', 'PYTHONUSERBASE', 'PYTHONBREAKPOINT', 'PYTHONPLATLIBDIR'],
  ruby: ['RUBYOPT', 'RUBYLIB'],
  perl: ['PERL5OPT', 'PERL5LIB', 'PERLLIB', 'PERL5DB'],
};

/** Variables whose value is a list of paths separated by ':' (LD_PRELOAD also by spaces). */
const PATH_LISTS = new Set(['LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'DYLD_INSERT_LIBRARIES', 'DYLD_LIBRARY_PATH', 'DYLD_FRAMEWORK_PATH', 'NODE_PATH', 'PYTHONPATH', 'RUBYLIB', 'PERL5LIB', 'PERLLIB']);
/** Variables whose value is one path. */
const PATHS = new Set(['OPENSSL_CONF', 'PYTHONSTARTUP', 'PYTHONHOME', 'PYTHONUSERBASE', 'DENO_DIR']);

const MAX_ENVIRON_BYTES = 1024 * 1024;

/** Reads `/proc/<pid>/environ` (NUL-separated `NAME=value`); null when it cannot be read. */
export function readProcessEnvironment(pid: number, proc = '/proc'): Map<string, string> | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(`${proc}/${pid}/environ`);
  } catch {
    return null;
  }
  return parseEnviron(bytes.subarray(0, MAX_ENVIRON_BYTES));
}

export function parseEnviron(bytes: Buffer): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of bytes.toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    // The first definition is the one getenv() and the interpreters see.
    if (eq > 0 && !env.has(entry.slice(0, eq))) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

/** The variables that matter for a launcher of this family (null: not an interpreter), in key order. */
export function codeLoadingVariables(family: string | null): string[] {
  return [...(family === null ? [] : (BY_FAMILY[family] ?? [])), ...ANY_PROGRAM];
}

/**
 * The variable's value as shown in the key, with relative paths made absolute against the launcher's
 * working directory (where the loader or interpreter resolves them).
 */
export function absoluteValue(name: string, value: string, cwd: string | null): string {
  const absolute = (path: string) => (path === '' || isAbsolute(path) || cwd === null ? path : resolve(cwd, path));
  if (PATHS.has(name)) return absolute(value);
  if (!PATH_LISTS.has(name)) return value;
  // LD_PRELOAD entries without a slash are library names the loader searches for: not relative paths.
  const preload = name === 'LD_PRELOAD' || name === 'LD_AUDIT' || name === 'DYLD_INSERT_LIBRARIES';
  return value
    .split(preload ? /([:\s]+)/ : /(:)/)
    .map((part, i) => (i % 2 === 1 || (preload && !part.includes('/')) ? part : absolute(part)))
    .join('');
}
