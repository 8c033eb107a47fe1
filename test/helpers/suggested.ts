/** Suggested commands (`next_actions`, hints) as an agent reads them: split like a shell, parsed like the CLI. */
import { COMMANDS } from '../../electron/cli/commands/index.js';
import { type Parsed, parseCommandLine } from '../../electron/cli/parse.js';

/** Splits a command line the way sh does for plain words and '…'/"…" quoting (all suggestions use). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let word = '';
  let last = -1;
  for (const m of line.matchAll(re)) {
    const part = m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3]!;
    // Adjacent pieces (a'b') make one word.
    if (m.index === last) word += part;
    else {
      if (last !== -1) words.push(word);
      word = part;
    }
    last = m.index + m[0].length;
  }
  if (last !== -1) words.push(word);
  return words;
}

/** What the CLI makes of `secrets …` (the words after `secrets`), without running it. */
export function parseSuggested(command: string): Parsed {
  const [program, ...argv] = shellWords(command);
  if (program !== 'secrets') throw new Error(`not a secrets command: ${command}`);
  return parseCommandLine(argv, COMMANDS, false);
}
