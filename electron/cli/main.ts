/**
 * `secrets`: the thin socket client agents call. Parses argv, runs one command, maps the outcome to
 * the exit codes of DESIGN.md §4.
 */
import { COMMANDS } from './commands/index.js';
import { createContext } from './context.js';
import { printError, useInvocation, writeOut } from './output.js';
import { parseCommandLine } from './parse.js';

/** Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, COMMANDS);
  if (parsed.kind === 'text') {
    writeOut(parsed.text + '\n');
    return parsed.code;
  }
  if (parsed.invocation) useInvocation(parsed.invocation);
  if (parsed.kind === 'error') return printError(parsed.mode, parsed.error);
  const { command, positionals, values, mode } = parsed;
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
