/**
 * What `secrets env` writes is read back as the very value by sh (`. FILE`, the way the README says to
 * load it) and by the dotenv package, wherever one quoting suits both; where none does, the file says so.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseDotenv } from 'dotenv';
import { envFileText, envQuote } from '../../electron/daemon/processes/env-writer.js';

const VALUES: Array<[string, string, 'both' | 'sh only']> = [
  ['PLAIN', 'plain-value', 'both'],
  ['SPACES', '  two  spaces  ', 'both'],
  ['DOLLAR', 'p$HOME`id`"q"\\n', 'both'],
  ['HASH', 'a # not a comment', 'both'],
  ['APOSTROPHE', "it's a token", 'both'],
  ['APOSTROPHE_NEWLINE', "line one's\nline two", 'both'],
  ['APOSTROPHE_DOLLAR', "it's $HOME", 'sh only'],
  ['APOSTROPHE_QUOTE', `it's "quoted"`, 'sh only'],
  ['APOSTROPHE_BACKSLASH', "it's a\\nb", 'sh only'],
];

test('sh reads every value back; dotenv reads back every value one quoting suits, and the file marks the others', () => {
  const dir = mkdtempSync(join(tmpdir(), 'as-env-quote-'));
  try {
    const entries = VALUES.map(([env_var, value], i) => ({ env_var, lease: { lease_id: `L-${i}`, secret_name: `s${i}`, client_id: 'c', value, expires_at: '2026-01-01T00:00:00.000Z' } }));
    const text = envFileText(entries, 'c', new Date(0));
    const file = join(dir, '.env');
    writeFileSync(file, text);
    const dotenv = parseDotenv(text);
    for (const [name, value, readers] of VALUES) {
      const bySh = execFileSync('sh', ['-c', `. '${file}'; printf %s "$${name}"`], { encoding: 'utf8' });
      assert.equal(bySh, value, `sh reads ${name}`);
      assert.equal(envQuote(value).shOnly, readers === 'sh only', name);
      if (readers === 'both') assert.equal(dotenv[name], value, `dotenv reads ${name}`);
      else {
        assert.notEqual(dotenv[name], value, `${name}: no quoting suits both (else use it)`);
        assert.match(text, new RegExp(`^# ${name} is quoted for sh .*dotenv loader reads this value differently`, 'm'));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
