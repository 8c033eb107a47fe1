/**
 * What `secrets --help` and `secrets help COMMAND` print. Each fits one terminal screen (24 lines of
 * 100 columns, checked by test/unit/help.test.ts for every command) and ends with an example, because
 * an agent copies the last example it saw.
 */
import { VERSION } from '../../shared/version.js';
import type { Command } from './command.js';

export const HELP_WIDTH = 100;
export const HELP_LINES = 24;

/** The commands an agent needs, in the order it needs them; every other command is listed by name. */
const FOR_AGENTS = ['exec', 'lease', 'leases', 'renew', 'revoke', 'list', 'status', 'env', 'mcp', 'scan'];

/** Words of `text` on lines of at most `width` columns, continuation lines starting with `indent`. */
export function wrap(text: string, indent = '', width = HELP_WIDTH): string[] {
  const lines: string[] = [];
  let line = /^\s*/.exec(text)![0];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.trim() && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line.trim() ? `${line} ${word}` : line + word;
    }
  }
  return line.trim() ? [...lines, line] : lines;
}

/** One line, cut with an ellipsis when a summary is longer than the screen is wide. */
const fit = (line: string) => (line.length > HELP_WIDTH ? line.slice(0, HELP_WIDTH - 1) + '…' : line);

export function usage(commands: readonly Command[]): string {
  const agents = FOR_AGENTS.map((name) => commands.find((c) => c.name === name)).filter((c): c is Command => c !== undefined);
  const others = commands.filter((c) => !FOR_AGENTS.includes(c.name)).map((c) => c.name);
  const width = Math.max(...agents.map((c) => c.name.length));
  return [
    `secrets ${VERSION}: time-bounded, approved, audited secret leases for AI agents`,
    'usage: secrets COMMAND [options]   (each takes --json, --human)   secrets help COMMAND: its options',
    '',
    'for agents (JSON when stdout is not a terminal: follow its next_actions, read error.hint):',
    ...agents.map((c) => fit(`  ${c.name.padEnd(width)}  ${c.summary}`)),
    '',
    'for the person who owns the store (admin commands ask for the store passphrase):',
    ...wrap(`  ${others.join(' ')}`, '  '),
    '',
    ...wrap(
      'exit codes: 0 ok · 1 error · 2 usage · 3 not found · 4 denied: ask the person, do not retry · 5 locked or ' +
        'killswitch: stop, tell the person · 6 lease expired/revoked: lease again · 69 daemon not running: the person ' +
        "runs secrets serve · exec: the command's code, 79 if its access ended",
    ),
    'example: secrets exec --client-id my-agent -- npm test',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  return [
    ...wrap(`usage: secrets ${command.usage}`, '         '),
    '',
    ...wrap(command.summary),
    ...(command.help ? ['', ...command.help.split('\n').flatMap((paragraph) => wrap(paragraph))] : []),
    ...(command.example ? ['', `example: ${command.example}`] : []),
  ].join('\n');
}
