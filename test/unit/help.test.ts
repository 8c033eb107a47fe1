/**
 * Help an agent can read in one go: `secrets --help` and `secrets help COMMAND` (the same as
 * `secrets COMMAND --help`) each fit one screen and end with an example that runs as written —
 * for every command in COMMANDS, including ones added later.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { COMMANDS } from '../../electron/cli/commands/index.js';
import { HELP_LINES, HELP_WIDTH } from '../../electron/cli/help.js';
import { parseCommandLine } from '../../electron/cli/parse.js';
import { CLI } from '../helpers/store.js';
import { parseSuggested } from '../helpers/suggested.js';

function helpText(argv: string[]): string {
  const parsed = parseCommandLine(argv, COMMANDS, false);
  assert.equal(parsed.kind, 'text', argv.join(' '));
  return parsed.kind === 'text' ? parsed.text : '';
}

function assertOneScreen(text: string, what: string): void {
  const lines = text.split('\n');
  assert.ok(lines.length <= HELP_LINES, `${what}: ${lines.length} lines`);
  for (const line of lines) assert.ok(line.length <= HELP_WIDTH, `${what}: ${line.length} columns: ${line}`);
}

/** The `secrets …` part of an example (`export T=$(secrets lease x)`, `printf … | secrets add x`, `claude mcp add n -- secrets mcp`). */
function exampleCommand(text: string): string {
  const last = text.split('\n').at(-1)!;
  assert.match(last, /^example: /);
  const command = /(?:^example: |\| |\$\(|-- )(secrets [^)]*)/.exec(last)?.[1];
  assert.ok(command, `no secrets command in: ${last}`);
  return command;
}

describe('secrets --help', () => {
  const text = helpText(['--help']);

  test('fits one screen and ends with the exec example', () => {
    assertOneScreen(text, 'secrets --help');
    assert.equal(text.split('\n').at(-1), 'example: secrets exec --client-id my-agent -- npm test');
    assert.equal(exampleCommand(text), 'secrets exec --client-id my-agent -- npm test');
  });

  test('names every command and every exit code', () => {
    for (const command of COMMANDS) assert.match(text, new RegExp(`(^|\\s)${command.name}(\\s|$)`, 'm'), command.name);
    for (const code of ['0', '1', '2', '3', '4', '5', '6', '69', '79']) assert.match(text, new RegExp(`\\b${code}\\b`), code);
  });

  test('no summary is cut to fit: every command listed with one shows all of it', () => {
    const listed = COMMANDS.map((command) => ({ command, line: text.split('\n').find((line) => line.startsWith(`  ${command.name} `) && /^ {2}\S+ {2,}\S/.test(line)) }));
    assert.ok(listed.filter((l) => l.line).length >= 5, 'the agent commands are listed with their summaries');
    for (const { command, line } of listed) if (line) assert.ok(line.endsWith(`  ${command.summary}`), `the summary of ${command.name} is cut: ${line}`);
    assert.ok(!text.split('\n').some((line) => line.endsWith('…')), 'no line is cut');
  });

  test('`secrets help` and `-h` print the same', () => {
    assert.equal(helpText(['help']), text);
    assert.equal(helpText(['-h']), text);
  });
});

describe('secrets help COMMAND', () => {
  for (const command of COMMANDS) {
    test(`${command.name}: one screen, the same as --help, ending with a runnable example`, () => {
      const text = helpText(['help', command.name]);
      assert.equal(helpText([command.name, '--help']), text);
      assertOneScreen(text, `secrets help ${command.name}`);
      const example = exampleCommand(text);
      const parsed = parseSuggested(example);
      assert.equal(parsed.kind, 'run', `${example}: ${parsed.kind === 'error' ? parsed.error.message : ''}`);
      assert.equal(parsed.kind === 'run' && parsed.command.name, command.name, 'the example uses its own command');
    });
  }

  test('an unknown command is a usage error pointing at the list', () => {
    const parsed = parseCommandLine(['help', 'nope'], COMMANDS, false);
    assert.equal(parsed.kind, 'error');
    assert.equal(parsed.kind === 'error' && parsed.error.code, 'USAGE');
  });

  test('the built CLI answers `help COMMAND`', () => {
    const result = spawnSync(process.execPath, [CLI, 'help', 'exec'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, helpText(['help', 'exec']) + '\n');
  });
});
