/**
 * Reading a command line, apart from running it: main.ts runs what this returns, and the tests put
 * every `next_actions` command through it to prove each one is runnable as written.
 */
import { parseArgs } from 'node:util';
import { DaemonError } from '../../shared/errors.js';
import { VERSION } from '../../shared/version.js';
import type { Invocation } from '../../shared/next-actions.js';
import { type Command, GLOBAL_OPTIONS } from './command.js';
import { commandHelp, usage } from './help.js';
import { type OutputMode, chooseMode } from './output.js';
import type { Values } from './context.js';

export type Parsed =
  | { kind: 'text'; text: string; code: number }
  | { kind: 'error'; error: DaemonError; mode: OutputMode; invocation?: Invocation }
  | { kind: 'run'; command: Command; positionals: string[]; values: Values; mode: OutputMode; invocation: Invocation };

/** @param stdoutIsTty decides JSON or text when neither --json nor --human is given (tests pin it). */
export function parseCommandLine(argv: readonly string[], commands: readonly Command[], stdoutIsTty?: boolean): Parsed {
  const name = argv[0];
  const early = chooseMode({ json: argv.includes('--json'), human: argv.includes('--human') }, stdoutIsTty);
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && argv.length === 1)) {
    return { kind: 'text', text: usage(commands), code: name === undefined ? 2 : 0 };
  }
  if (name === '--version' || name === 'version') return { kind: 'text', text: VERSION, code: 0 };
  const helpFor = name === 'help' ? argv[1]! : undefined;
  const command = commands.find((c) => c.name === (helpFor ?? name));
  if (!command) {
    return { kind: 'error', mode: early, error: new DaemonError('USAGE', `unknown command "${(helpFor ?? name).slice(0, 40)}"`, 'list the commands with: secrets --help') };
  }
  if (helpFor !== undefined) return { kind: 'text', text: commandHelp(command), code: 0 };
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    return { kind: 'error', mode: early, error: new DaemonError('USAGE', (error as Error).message, `see its options: secrets help ${command.name}`) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'text', text: commandHelp(command), code: 0 };
  const mode = chooseMode(values as { json?: boolean; human?: boolean }, stdoutIsTty);
  const invocation: Invocation = { argv, command: command.name, args: positionals, options: values };
  const [min, max] = command.args;
  if (positionals.length < min || positionals.length > max) {
    const count = min === max ? min : `${min} to ${max}`;
    return { kind: 'error', mode, invocation, error: new DaemonError('USAGE', `${command.name} takes ${count} argument(s), got ${positionals.length}`, `see its usage: secrets help ${command.name}`) };
  }
  return { kind: 'run', command, positionals, values, mode, invocation };
}
