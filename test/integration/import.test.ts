/** Imports from real files: a .env fixture, and an original agent-secrets store made with Debian's age. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, type TestStore, startedStore } from '../helpers/store.js';

const DOTENV = join(REPO, 'test', 'fixtures', 'import.env');
let store: TestStore;
let scratch: string;
before(async () => {
  store = await startedStore();
  scratch = mkdtempSync(join(tmpdir(), 'as-import-'));
});
after(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await store.cleanup();
});

const lease = async (name: string) => (await store.cli(['lease', name, '--client-id', 'importer'])).stdout;

test('import dotenv: every KEY=value becomes a secret with its exact value, under a prefix', async () => {
  const result = await store.admin(['import', 'dotenv', DOTENV, '--prefix', 'proj_']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.json.data.imported, ['proj_GITHUB_TOKEN', 'proj_STRIPE_KEY', 'proj_SINGLE', 'proj_PRIVATE_KEY']);
  assert.deepEqual(result.json.data.skipped, [
    { name: 'proj_EMPTY', reason: 'empty value or NUL byte' },
    { name: 'proj_bad-name', reason: 'not a valid environment variable name' },
  ]);
  assert.equal(await lease('proj_GITHUB_TOKEN'), 'ghp_FromDotenv0123456789');
  assert.equal(await lease('proj_STRIPE_KEY'), 'sk_test_with spaces and # hash');
  assert.equal(await lease('proj_SINGLE'), 'single quoted $NOT_EXPANDED');
  assert.equal(await lease('proj_PRIVATE_KEY'), '-----BEGIN KEY-----\nline-two\n-----END KEY-----');
  assert.deepEqual(result.json.data.secrets_json.secrets[0], { name: 'proj_GITHUB_TOKEN', env_var: 'GITHUB_TOKEN' });
  assert.ok(!result.stdout.includes('ghp_FromDotenv'), 'values are not printed');
});

test('import dotenv: a value too short for exec to hide is imported with a warning naming it, never the value', async () => {
  const file = join(scratch, 'short.env');
  writeFileSync(file, 'PIN=739\nAPI_TOKEN=long-enough-value\n');
  const result = await store.admin(['import', 'dotenv', file, '--prefix', 'short_']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.json.data.imported, ['short_PIN', 'short_API_TOKEN']);
  assert.deepEqual(result.json.data.warnings, ["short_PIN is shorter than 4 characters: secrets exec will refuse to run with it, since it could not hide it in a command's output"]);
  assert.match(result.stderr, /^secrets: warning: short_PIN is shorter than 4 characters/m);
  assert.ok(!result.stderr.includes('739') && !result.stdout.includes('739'), 'the value is never printed');
});

test('importing again skips existing names and never overwrites', async () => {
  await store.admin(['set', 'proj_SINGLE'], { input: 'changed by hand' });
  const again = await store.admin(['import', 'dotenv', DOTENV, '--prefix', 'proj_']);
  assert.equal(again.code, 0);
  assert.deepEqual(again.json.data.imported, []);
  assert.ok(again.json.data.skipped.some((s: { name: string; reason: string }) => s.name === 'proj_SINGLE' && /already exists/.test(s.reason)));
  assert.equal(await lease('proj_SINGLE'), 'changed by hand');
});

test('importing is an admin action', async () => {
  const agent = await store.cli(['import', 'dotenv', DOTENV, '--prefix', 'agent_']);
  assert.equal(agent.code, 4);
});

test('import agent-secrets: names, values and rotation hooks from a store made with Debian age', async () => {
  const dir = join(scratch, 'old-store');
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('age-keygen', ['-o', join(dir, 'identity.age')], { stdio: 'ignore' });
  const recipient = execFileSync('age-keygen', ['-y', join(dir, 'identity.age')], { encoding: 'utf8' }).trim();
  const plain = join(scratch, 'secrets.json');
  writeFileSync(
    plain,
    JSON.stringify({
      version: 1,
      secrets: {
        legacy_token: { name: 'legacy_token', value: 'legacy-value-42', rotate_via: 'echo rotated-legacy', created_at: '2025-01-01T00:00:00Z' },
        plain_one: { name: 'plain_one', value: 'plain "one"\nwith newline' },
      },
    }),
  );
  execFileSync('age', ['-r', recipient, '-o', join(dir, 'secrets.age'), plain]);
  rmSync(plain);
  const result = await store.admin(['import', 'agent-secrets', dir]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.json.data.imported.sort(), ['legacy_token', 'plain_one']);
  assert.equal(await lease('legacy_token'), 'legacy-value-42');
  assert.equal(await lease('plain_one'), 'plain "one"\nwith newline');
  const listed = (await store.cli(['list'])).json.data.secrets.find((s: { name: string }) => s.name === 'legacy_token');
  assert.equal(listed.rotate_via, 'echo rotated-legacy');
  assert.equal((await store.admin(['rotate', 'legacy_token'])).code, 0);
  assert.equal(await lease('legacy_token'), 'rotated-legacy');
});

test('a directory that is not a store is a clear error', async () => {
  const result = await store.admin(['import', 'agent-secrets', scratch]);
  assert.equal(result.code, 3);
  assert.match(result.stderr, /identity\.age/);
});
