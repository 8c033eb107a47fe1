/**
 * The agent skill (skills/agent-secrets/SKILL.md) is what agents act on, so it must not drift from the
 * CLI: every exit code it documents is one the CLI gives, for the reason it gives, and every
 * `secrets …` command line it shows parses with the CLI's own parser (the command and each flag exist,
 * the argument count fits).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ERROR_CODES, EXIT_OK, type ErrorCode } from '../../shared/errors.js';
import { EXIT_ACCESS_ENDED } from '../../electron/cli/commands/exec.js';
import { REPO } from '../helpers/store.js';
import { parseSuggested } from '../helpers/suggested.js';

const skill = readFileSync(join(REPO, 'skills', 'agent-secrets', 'SKILL.md'), 'utf8');

/** The rows of the exit-code table: `| code | meaning | what you do |`. */
const exitRows = [...skill.matchAll(/^\| (\d+) \| ([^|]+) \|/gm)].map((m) => ({ code: Number(m[1]), meaning: m[2]!.toLowerCase() }));

/** The error codes that end the CLI with `exit`. */
const codesExitingWith = (exit: number) => (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => ERROR_CODES[code] === exit);

/** Every `secrets …` command line: each line of a bash block, and each inline code span. */
function commandLines(text: string): string[] {
  const blocks = [...text.matchAll(/```bash\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n'));
  const spans = [...text.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  // A command may follow another program's (`claude mcp add agent-secrets -- secrets mcp …`).
  return [...blocks, ...spans].map((line) => /(?:^|\s)(secrets (?!:)[^#]*?)\s*(?:#.*)?$/.exec(line.trim())?.[1]).filter((line): line is string => line !== undefined);
}

describe('SKILL.md exit codes', () => {
  test('it documents the exit codes the CLI gives: every error code, ok, and exec 79', () => {
    const documented = new Set(exitRows.map((r) => r.code));
    const given = new Set([EXIT_OK, EXIT_ACCESS_ENDED, ...Object.values(ERROR_CODES)]);
    assert.deepEqual([...documented].sort((a, b) => a - b), [...given].sort((a, b) => a - b));
  });

  test('each code means what the CLI uses it for', () => {
    for (const { code, meaning } of exitRows) {
      if (code === EXIT_OK) assert.match(meaning, /\bok\b/);
      else if (code === EXIT_ACCESS_ENDED) assert.match(meaning, /exec.*access ended/);
      else if (code === 1) assert.match(meaning, /other error/);
      else {
        // Its meaning names one of the codes that exit with it (SECRET_NOT_FOUND: "not found").
        const words = codesExitingWith(code).flatMap((c) => c.toLowerCase().split('_').filter((w) => w.length > 3 && !['secret', 'lease', 'store'].includes(w)));
        assert.ok(words.some((w) => meaning.includes(w)), `exit ${code} is documented as "${meaning}", not as ${codesExitingWith(code).join(', ')}`);
      }
    }
  });
});

describe('SKILL.md command lines', () => {
  const lines = [...new Set(commandLines(skill))];

  test('it shows the commands an agent needs', () => {
    for (const needed of ['secrets exec', 'secrets lease', 'secrets revoke', 'secrets leases', 'secrets mcp --client-id']) {
      assert.ok(lines.some((l) => l.startsWith(needed)), `no ${needed} in SKILL.md`);
    }
  });

  for (const line of lines) {
    test(line, () => {
      // `secrets help COMMAND` names a placeholder where the parser wants a command.
      const parsed = parseSuggested(line.replace(/^secrets help COMMAND$/, 'secrets help exec').replace(/…/g, 'x'));
      assert.notEqual(parsed.kind, 'error', `${line}: ${parsed.kind === 'error' ? parsed.error.message : ''}`);
    });
  }
});
