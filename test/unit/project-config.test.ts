import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectFile, loadProjectConfig, parseProjectConfig } from '../../electron/cli/project-config.js';
import { DaemonError } from '../../shared/errors.js';

const parse = (raw: unknown) => parseProjectConfig(raw, '/p/.secrets.json');
const rejects = (raw: unknown, message: RegExp) =>
  assert.throws(() => parse(raw), (e: unknown) => e instanceof DaemonError && e.code === 'INVALID_CONFIG' && message.test(e.message), String(message));

test('the original agent-secrets format parses, with env_file defaulting beside it', () => {
  const config = parse({
    secrets: [
      { name: 'github_token', env_var: 'GITHUB_TOKEN' },
      { name: 'api_key', env_var: 'API_KEY', ttl: '30m' },
    ],
    client_id: 'my-project',
  });
  assert.deepEqual(config.secrets, [
    { name: 'github_token', env_var: 'GITHUB_TOKEN' },
    { name: 'api_key', env_var: 'API_KEY', ttl: '30m' },
  ]);
  assert.equal(config.client_id, 'my-project');
  assert.equal(config.env_file, '/p/.env');
  assert.equal(parse({ secrets: [{ name: 'a', env_var: 'A' }], env_file: 'config/.env.local' }).env_file, '/p/config/.env.local');
});

test('errors name the field', () => {
  rejects([], /\(top level\): must be a JSON object/);
  rejects({}, /secrets: must be a non-empty array/);
  rejects({ secrets: [{ name: 'a', env_var: 'A' }], clientid: 'x' }, /clientid: unknown key/);
  rejects({ secrets: [{ name: 'a', envvar: 'A' }] }, /secrets\[0\]\.envvar: unknown key/);
  rejects({ secrets: [{ name: '../a', env_var: 'A' }] }, /secrets\[0\]\.name: secret names are/);
  rejects({ secrets: [{ name: 'a', env_var: '1BAD' }] }, /secrets\[0\]\.env_var: "1BAD" is not a valid environment variable name/);
  rejects({ secrets: [{ name: 'a', env_var: 'A-B' }] }, /secrets\[0\]\.env_var/);
  rejects({ secrets: [{ name: 'a', env_var: 'A' }, { name: 'b', env_var: 'A' }] }, /secrets\[1\]\.env_var: A is already used by secrets\[0\]/);
  rejects({ secrets: [{ name: 'a', env_var: 'A', ttl: 'soon' }] }, /secrets\[0\]\.ttl: must be a duration/);
  rejects({ secrets: [{ name: 'a', env_var: 'A' }], client_id: 'has space' }, /client_id: client ids are/);
});

test('found in the current directory or the nearest parent', () => {
  const root = mkdtempSync(join(tmpdir(), 'as-project-'));
  try {
    const deep = join(root, 'a', 'b', 'c');
    mkdirSync(deep, { recursive: true });
    assert.equal(findProjectFile(deep), null);
    assert.throws(() => loadProjectConfig(deep), (e: unknown) => (e as DaemonError).code === 'PROJECT_NOT_FOUND');
    writeFileSync(join(root, 'a', '.secrets.json'), JSON.stringify({ secrets: [{ name: 'x', env_var: 'X' }] }));
    assert.equal(findProjectFile(deep), join(root, 'a', '.secrets.json'));
    assert.equal(loadProjectConfig(deep).env_file, join(root, 'a', '.env'));
    writeFileSync(join(root, 'a', 'b', '.secrets.json'), '{not json');
    assert.throws(() => loadProjectConfig(deep), /not valid JSON/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
