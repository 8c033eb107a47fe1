/**
 * The launcher of a client: the nearest process in its parent chain that is not the `secrets` CLI, a
 * shell or a wrapper such as env or sudo — the agent program itself (claude, codex, node …/agent.js).
 * Every Node agent runs the same `node`, so for an interpreter the launcher is its executable plus
 * the script it runs. Approvals are bound to it: the same client id from another program asks again.
 */
import { basename, isAbsolute, resolve } from 'node:path';
import type { ProcessInfo } from './process-tree.js';

export interface Launcher {
  pid: number;
  exe: string;
  /** For interpreters: the script (absolute path) or module it runs. */
  script: string | null;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'fish', 'ksh', 'mksh', 'csh', 'tcsh', 'ash', 'busybox']);
const WRAPPERS = new Set(['env', 'sudo', 'doas', 'nohup', 'setsid', 'timeout', 'stdbuf', 'nice', 'time', 'script']);
const INTERPRETERS = /^(node|nodejs|bun|deno|python(\d+(\.\d+)?)?|ruby|perl)$/;

/** Interpreter options that take a value (so the value is not the script). */
const OPTIONS_WITH_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-e', '--eval', '-p', '--print', '-W', '-X', '--inspect-port', '--conditions', '-C', '--title']);

function programName(info: ProcessInfo): string {
  return basename(info.exe ?? info.argv[0] ?? info.name);
}

/** The script an interpreter runs: its first argument that is not an option (or `-m module`). */
export function interpreterScript(info: ProcessInfo): string | null {
  const args = info.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-m') return args[i + 1] ? `-m ${args[i + 1]}` : null;
    if (arg === '-e' || arg === '--eval' || arg === '-c' || arg === '-p' || arg === '--print') return arg;
    if (arg === '--') return args[i + 1] ? absolute(args[i + 1]!, info) : null;
    if (arg.startsWith('-')) {
      if (OPTIONS_WITH_VALUE.has(arg)) i++;
      continue;
    }
    // deno and bun take a subcommand first (`deno run x.ts`, `bun run x.ts`).
    if ((arg === 'run' || arg === 'x') && /^(deno|bun)$/.test(programName(info))) continue;
    return absolute(arg, info);
  }
  return null;
}

function absolute(path: string, info: ProcessInfo): string {
  return isAbsolute(path) || info.cwd === null ? path : resolve(info.cwd, path);
}

/** Is this process the `secrets` CLI itself (node running bin/secrets or the bundled CLI)? */
export function isSecretsCli(info: ProcessInfo): boolean {
  const script = INTERPRETERS.test(programName(info)) ? interpreterScript(info) : null;
  const target = script ?? info.argv[0] ?? '';
  return /(^|\/)secrets$/.test(target) || /(^|\/)dist\/cli\.cjs$/.test(target);
}

export function findLauncher(chain: ProcessInfo[]): Launcher | null {
  for (const info of chain) {
    const name = programName(info);
    if (isSecretsCli(info) || SHELLS.has(name) || WRAPPERS.has(name)) continue;
    const exe = info.exe ?? info.argv[0] ?? info.name;
    return { pid: info.pid, exe, script: INTERPRETERS.test(name) ? interpreterScript(info) : null };
  }
  return null;
}

/** One string for matching and display: `/usr/bin/node /home/me/agent.js`, or just the executable. */
export function launcherKey(launcher: Launcher | null): string {
  if (launcher === null) return 'unknown';
  return launcher.script === null ? launcher.exe : `${launcher.exe} ${launcher.script}`;
}
