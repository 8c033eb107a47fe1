/**
 * The CLI's command line (electron/cli/parse.ts with the real command table): any argv gives text,
 * a USAGE error or a command to run — never a throw — and a command to run got the arguments its
 * table allows.
 */
import fc from 'fast-check';
import { isDaemonError } from '../../../shared/errors.js';
import { parseCommandLine } from '../../../electron/cli/parse.js';
import { COMMANDS } from '../../../electron/cli/commands/index.js';
import { hostileString } from '../hostile.js';
import { type FuzzSettings, parameters } from '../settings.js';

const OPTION_NAMES = [...new Set(COMMANDS.flatMap((c) => Object.keys(c.options ?? {})))];

const word = fc.oneof(
  { arbitrary: fc.constantFrom(...COMMANDS.map((c) => c.name), 'help', '--help', '-h', '--version', 'version'), weight: 2 },
  { arbitrary: fc.constantFrom(...OPTION_NAMES).map((o) => `--${o}`), weight: 3 },
  { arbitrary: fc.tuple(fc.constantFrom(...OPTION_NAMES), hostileString).map(([o, v]) => `--${o}=${v}`), weight: 1 },
  { arbitrary: fc.constantFrom('--', '-', '--json', '--human', '-x', '---', '--no-mask', '-abc'), weight: 1 },
  { arbitrary: hostileString, weight: 2 },
);

export function cliArgumentsParse(settings: FuzzSettings): void {
  fc.assert(
    fc.property(fc.array(word, { maxLength: 8 }), fc.option(fc.boolean(), { nil: undefined }), (argv, tty) => {
      const parsed = parseCommandLine(argv, COMMANDS, tty);
      if (parsed.kind === 'error' && (!isDaemonError(parsed.error) || parsed.error.code !== 'USAGE')) throw new Error(`not a usage error: ${String(parsed.error)}`);
      if (parsed.kind === 'run') {
        const [min, max] = parsed.command.args;
        if (parsed.positionals.length < min || parsed.positionals.length > max) throw new Error(`${parsed.command.name} ran with ${parsed.positionals.length} arguments`);
      }
    }),
    parameters(settings),
  );
}
