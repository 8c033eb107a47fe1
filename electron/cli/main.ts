/**
 * `secrets`: the thin socket client agents call. Parses argv, runs one command, maps the outcome to
 * the exit codes of DESIGN.md §4.
 */
import { parseArgs } from 'node:util';
import { DaemonError } from '../../shared/errors.js';
import { VERSION } from '../../shared/version.js';
import { type Command, GLOBAL_OPTIONS } from './command.js';
import { COMMANDS, findCommand } from './commands/index.js';
import { createContext } from './context.js';
import { chooseMode, printError, writeOut } from './output.js';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `secrets ${VERSION}: time-bounded, approved, audited secret leases for AI agents`,
    '',
    'usage: secrets COMMAND [options]   (every command takes --json, --human)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'secrets COMMAND --help shows its options. Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 denied,',
    '5 locked, 6 lease expired/revoked, 69 daemon not running; exec: the command\'s code, 79 if its access ended.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return `usage: secrets ${command.usage}\n\n${command.summary}`;
}

/** Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const name = argv[0];
  const early = chooseMode({ json: argv.includes('--json'), human: argv.includes('--human') });
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeOut(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === 'version') {
    writeOut(`${VERSION}\n`);
    return 0;
  }
  const command = findCommand(name);
  if (!command) {
    return printError(early, new DaemonError('USAGE', `unknown command "${name.slice(0, 40)}"`, 'see: secrets --help'));
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv.slice(1), options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    return printError(early, new DaemonError('USAGE', (error as Error).message, `usage: secrets ${command.usage}`));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    writeOut(commandHelp(command) + '\n');
    return 0;
  }
  const mode = chooseMode(values as { json?: boolean; human?: boolean });
  const [min, max] = command.args;
  if (positionals.length < min || positionals.length > max) {
    return printError(mode, new DaemonError('USAGE', `${command.name} takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${positionals.length}`, `usage: secrets ${command.usage}`));
  }
  try {
    return await command.run(createContext(command.name, positionals, values, mode));
  } catch (error) {
    // A raw lease keeps stdout for the value alone: a failure leaves `$(secrets lease x)` empty.
    const rawLease = command.name === 'lease' && !values.json;
    return printError(mode, error, !rawLease);
  }
}

// Exit as soon as the command is done (stdout is written synchronously): waiting for the socket's
// close to drain the event loop costs a cold `secrets lease` a millisecond and a half.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.exitCode = printError('json', error);
  },
);
