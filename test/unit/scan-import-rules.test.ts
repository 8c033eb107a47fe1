/**
 * The rules of `secrets scan --import` that need no daemon: names from keys, suffixes that stay valid
 * names, how an env file is rewritten, and that the app's confirmation window (which shows an admin
 * command's params) shows the names and files of a scan.import but none of its values.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SECRET_NAME_PATTERN } from '../../shared/names.js';
import { describeCommand } from '../../electron/daemon/auth/admin-confirmations.js';
import { suffixedName } from '../../electron/daemon/server/handlers/scan.js';
import { parseDotenvLines } from '../../electron/cli/scan/dotenv-lines.js';
import { rewriteEnvText } from '../../electron/cli/scan/import.js';
import { secretNameFor } from '../../electron/cli/scan/project-file.js';

test('secret names come from keys by the shared rule; suffixes keep them valid', () => {
  assert.equal(secretNameFor('GITHUB_TOKEN'), 'github_token');
  assert.equal(secretNameFor('db.password'), 'db.password');
  assert.equal(secretNameFor('_PRIVATE'), 'private');
  assert.equal(secretNameFor('__'), 'secret');
  const long = 'a'.repeat(128);
  assert.equal(suffixedName(long, 1), long);
  assert.equal(suffixedName(long, 12).length, 128);
  assert.ok(SECRET_NAME_PATTERN.test(suffixedName(long, 12)) && suffixedName(long, 12).endsWith('_12'));
});

test('a rewritten env file keeps every other line, its line endings and export prefixes; values and their lines go', () => {
  const text = 'A=1\r\nexport TOKEN="ghp_x"\r\nKEY="-----BEGIN\r\nabc\r\n-----END"\r\nB=2\r\n';
  const entries = parseDotenvLines(text);
  const moved = entries.filter((e) => e.key !== 'A' && e.key !== 'B').map((entry) => ({ entry, name: entry.key.toLowerCase() }));
  const out = rewriteEnvText(text, moved);
  assert.equal(
    out,
    'A=1\r\n# TOKEN: moved to Agent Secrets (secret token); run with  secrets exec -- CMD  to have it set\r\nexport TOKEN=\r\n# KEY: moved to Agent Secrets (secret key); run with  secrets exec -- CMD  to have it set\r\nKEY=\r\nB=2\r\n',
  );
});

test("the confirmation window shows a scan.import's names and files, never its values", () => {
  const shown = describeCommand('scan.import', {
    project_dir: '/p',
    secrets: [{ name: 'github_token', env_var: 'GITHUB_TOKEN', file: '.env' }],
    backups: [{ file: '.env' }],
    value: { secrets: ['ghp_SECRETVALUE'], backups: ['GITHUB_TOKEN=ghp_SECRETVALUE\n'] },
  });
  assert.ok(shown.includes('github_token') && shown.includes('.env'));
  assert.ok(!shown.includes('SECRETVALUE'));
});
