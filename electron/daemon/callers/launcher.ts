/**
 * The launcher of a client: the nearest process in its parent chain that is not the `secrets` CLI, a
 * shell or a wrapper such as env or sudo — the agent program itself (claude, codex, node …/agent.js).
 * Every Node agent runs the same `node`, so for an interpreter the launcher is its executable plus
 * the script it runs. Approvals are bound to it: the same client id from another program asks again.
 *
 * What makes the launcher run other code as well is part of it too: interpreter options such as
 * `--require evil.js` or `--inspect`, and environment such as `NODE_OPTIONS=--require=…` or
 * `LD_PRELOAD`. Otherwise anyone running as the same user could borrow an approved agent's grant by
 * starting its script with their own code preloaded. A launcher without any keeps the key it had.
 */
import { basename } from 'node:path';
import { type Family, familyOf, parseInterpreterArgs, shown, splitOptions } from './interpreter-args.js';
import { type EnvironmentReader, absoluteValue, codeLoadingVariables, readProcessEnvironment } from './launcher-environment.js';
import type { ProcessInfo } from './process-tree.js';

export interface Launcher {
  pid: number;
  exe: string;
  /** For interpreters: the script (absolute path), `-m module` or `-e <code>` it runs. */
  script: string | null;
  /** What else it loads, as shown in the key: code-loading options, then environment. Usually empty. */
  loads: string[];
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'fish', 'ksh', 'mksh', 'csh', 'tcsh', 'ash', 'busybox']);
const WRAPPERS = new Set(['env', 'sudo', 'doas', 'nohup', 'setsid', 'timeout', 'stdbuf', 'nice', 'time', 'script']);

/** Variables that hold interpreter options: only their code-loading options count. */
const OPTION_VARIABLES: Record<string, Family> = { NODE_OPTIONS: 'node', BUN_OPTIONS: 'bun', RUBYOPT: 'ruby', PERL5OPT: 'perl' };

/** What the key says when the launcher's environment cannot be read: it may hold anything. */
export const ENVIRONMENT_UNREADABLE = 'environment unreadable';

/** The longest key `clients allow --launcher` takes; longer lists of loads are shown by their hash. */
const MAX_KEY_LENGTH = 4096;

function programName(info: ProcessInfo): string {
  return basename(info.exe ?? info.argv[0] ?? info.name);
}

/** The script an interpreter runs: its first argument that is not an option (or `-m module`, `-e <code>`). */
export function interpreterScript(info: ProcessInfo): string | null {
  const family = familyOf(programName(info));
  return family === null ? null : parseInterpreterArgs(family, info.argv.slice(1), info.cwd).script;
}

/** Is this process the `secrets` CLI itself (node running bin/secrets or the bundled CLI)? */
export function isSecretsCli(info: ProcessInfo): boolean {
  const target = interpreterScript(info) ?? info.argv[0] ?? '';
  return /(^|\/)secrets$/.test(target) || /(^|\/)dist\/cli\.cjs$/.test(target);
}

/**
 * The launcher in a parent chain (nearest first), or null when the chain holds only the CLI, shells
 * and wrappers. `environmentOf` reads a process's environment (the real one reads /proc).
 */
export function findLauncher(chain: ProcessInfo[], environmentOf: EnvironmentReader = readProcessEnvironment): Launcher | null {
  for (const info of chain) {
    const name = programName(info);
    if (isSecretsCli(info) || SHELLS.has(name) || WRAPPERS.has(name)) continue;
    const exe = info.exe ?? info.argv[0] ?? info.name;
    const family = familyOf(name);
    const parsed = family === null ? { script: null, loads: [] } : parseInterpreterArgs(family, info.argv.slice(1), info.cwd);
    const loads = [...parsed.loads, ...environmentLoads(family, environmentOf(info.pid), info.cwd)];
    return { pid: info.pid, exe, script: parsed.script, loads };
  }
  return null;
}

/** The code-loading environment of a launcher, each as `NAME=value`. */
export function environmentLoads(family: Family | null, env: Map<string, string> | null, cwd: string | null): string[] {
  if (env === null) return [ENVIRONMENT_UNREADABLE];
  const loads: string[] = [];
  for (const name of codeLoadingVariables(family)) {
    const value = env.get(name);
    if (value === undefined || value === '') continue;
    const optionsOf = OPTION_VARIABLES[name];
    if (optionsOf === undefined) {
      loads.push(`${name}=${shown(absoluteValue(name, value, cwd))}`);
      continue;
    }
    // Ruby and Perl take a first word without its dash (RUBYOPT=rubygems is -rubygems).
    const words = splitOptions(value).map((w, i) => (i === 0 && optionsOf !== 'node' && optionsOf !== 'bun' && !w.startsWith('-') ? `-${w}` : w));
    const parsed = parseInterpreterArgs(optionsOf, words, cwd, true);
    // Harmless settings (--max-old-space-size) keep the key; anything not understood shows whole.
    if (parsed.unplaced) loads.push(`${name}=${shown(value)}`);
    else if (parsed.loads.length > 0) loads.push(`${name}=${parsed.loads.join(' ')}`);
  }
  return loads;
}

/**
 * One string for matching and display: `/usr/bin/node /home/me/agent.js`, or just the executable,
 * followed by what else it loads in brackets: `/usr/bin/node /srv/bot.js [--require /tmp/evil.js]`.
 */
export function launcherKey(launcher: Launcher | null): string {
  if (launcher === null) return 'unknown';
  const base = launcher.script === null ? launcher.exe : `${launcher.exe} ${launcher.script}`;
  const key = [base, ...launcher.loads.map((load) => `[${load}]`)].join(' ');
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `${base.slice(0, MAX_KEY_LENGTH - 120)} [${shown(launcher.loads.join(' '))}]`.slice(0, MAX_KEY_LENGTH);
}

/**
 * The key of a caller that runs as another user (an agent user, a container): the user first, since
 * the kernel vouches for it, then the launcher its own processes show. Within its user the daemon
 * cannot read executables or environments (the kernel keeps them from other users), and needs not:
 * nobody but that user can act as it, so an approval for it cannot be borrowed from outside it.
 */
export function otherUserLauncherKey(uid: number, user: string | null, launcher: Launcher | null): string {
  const who = `user ${user ?? '?'} (uid ${uid})`;
  return launcher === null ? who : `${who}: ${launcherKey(launcher)}`;
}

/** Does this key name a caller of another user (see otherUserLauncherKey)? */
export function isOtherUserKey(key: string): boolean {
  return key.startsWith('user ');
}
