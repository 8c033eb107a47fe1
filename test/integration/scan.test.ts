/**
 * `secrets scan` end to end: the real CLI on a temp project, the real daemon for --import. What is
 * reported (and what is not: ignored dirs, node_modules, placeholders), exit codes, values never in
 * any output, and --import moving the env files' values into the store, mapping them in
 * .secrets.json, rewriting the files without them, backing them up age-encrypted (Debian's age opens
 * the backup with the store's identity), leaving a symlink to outside the project alone, and doing
 * nothing more when run again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decrypter } from 'age-encryption';
import { PASSPHRASE, type TestStore, startedStore } from '../helpers/store.js';
import { assertNoPlaintext, filesUnder } from '../helpers/plaintext.js';

const V = {
  github: `ghp_${'Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6'}`,
  openai: `sk-proj-${'Qw3rTy7uIo1pAs5dFg9hJk2lZx6cVb4nM8qW0eR'}`,
  anthropic: `sk-ant-api03-${'Zx9vQ2mN8kL4pR7tW1yB3cD5fG7hJ9kL2'}`,
  dbPassword: 'Tr0ub4dor&3x!Q',
  urlPassword: 'S3cr3t-pw-9x',
  pem: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx4Yq\nKx9vQ2mN8kL4pR7tW1yB\n-----END RSA PRIVATE KEY-----',
  google: `AIza${'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6q'}`,
  ignored: `ghp_${'IgN0r3dIgN0r3dIgN0r3dIgN0r3dIgN0r3d1'}`,
  outside: `glpat-${'0uts1de0uts1de0uts1de'}`,
  oldOpenai: 'an older, different value',
};
const ALL_VALUES = Object.values(V);

const ENV = [
  '# the app',
  `GITHUB_TOKEN=${V.github}`,
  'DB_PASSWORD=changeme',
  `export OPENAI_API_KEY="${V.openai}" # prod`,
  `DB_ADMIN_PASSWORD=${V.dbPassword}`,
  `DEPLOY_KEY="${V.pem}"`,
  `DATABASE_URL=postgres://app:${V.urlPassword}@db.internal:5432/app`,
  'NODE_ENV=production',
  '',
].join('\n');

let store: TestStore;
let project: string;
let outside: string;

/** Everything a command printed, checked for every value and the start of each. */
function assertNoValues(text: string, label: string): void {
  for (const value of ALL_VALUES) {
    for (const form of [value, value.slice(0, 10), JSON.stringify(value).slice(1, 11)]) assert.ok(!text.includes(form), `${label} shows (part of) a value`);
  }
}

before(async () => {
  store = await startedStore();
  project = mkdtempSync(join(tmpdir(), 'as-scan-'));
  outside = mkdtempSync(join(tmpdir(), 'as-scan-outside-'));
  writeFileSync(join(project, '.gitignore'), 'node_modules\n.env\n.env.*\nbuild/\n');
  writeFileSync(join(project, '.env'), ENV, { mode: 0o640 });
  chmodSync(join(project, '.env'), 0o640);
  writeFileSync(join(project, '.env.local'), `ANTHROPIC_API_KEY=${V.anthropic}\nAPI_KEY=<your-api-key>\n`);
  writeFileSync(join(project, '.env.example'), 'GITHUB_TOKEN=\nOPENAI_API_KEY=sk-...\nSECRET=${SECRET}\n');
  mkdirSync(join(project, 'build'));
  writeFileSync(join(project, 'build', 'config.json'), `{"token": "${V.ignored}"}`);
  mkdirSync(join(project, 'node_modules', 'pkg'), { recursive: true });
  writeFileSync(join(project, 'node_modules', 'pkg', '.env'), `GITHUB_TOKEN=${V.ignored}\n`);
  mkdirSync(join(project, 'config'));
  writeFileSync(join(project, 'config', 'settings.yaml'), `maps:\n  api_key: ${V.google}\n`);
  writeFileSync(join(project, 'src.ts'), `const token = "${V.ignored}";\n`);
  writeFileSync(join(outside, 'shared.env'), `SHARED_TOKEN=${V.outside}\n`);
  symlinkSync(join(outside, 'shared.env'), join(project, '.env.shared'));
  writeFileSync(join(project, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'kept_thing', env_var: 'KEPT', ttl: '30m' }], client_id: 'scan-test' }));
});

after(async () => {
  await store?.cleanup();
  rmSync(project, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('secrets scan', () => {
  test('--json: file, line, key and kind of each credential; exit 1; ignored dirs skipped but ignored env files read', async () => {
    const result = await store.cli(['scan', '--json'], { cwd: project });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.json.ok, true);
    const found = result.json.data.findings.map((f: { file: string; line: number; key: string | null; kind: string }) => `${f.file}:${f.line} ${f.key} ${f.kind}`);
    assert.deepEqual(found, [
      '.env:2 GITHUB_TOKEN github_token',
      '.env:4 OPENAI_API_KEY openai_api_key',
      '.env:5 DB_ADMIN_PASSWORD high_entropy_secret',
      '.env:6 DEPLOY_KEY private_key',
      '.env:10 DATABASE_URL url_password',
      '.env.local:1 ANTHROPIC_API_KEY anthropic_api_key',
      '.env.shared:1 SHARED_TOKEN gitlab_token',
      'config/settings.yaml:2 api_key google_api_key',
    ]);
    assert.ok(result.json.next_actions.some((a: { command: string }) => a.command.includes('scan') && a.command.includes('--import')));
    assertNoValues(result.stdout + result.stderr, 'scan --json');
  });

  test('ignored directories: skipped and said so (JSON, text, next_actions); --no-ignore reads them, never node_modules', async () => {
    mkdirSync(join(project, 'build', 'deploy'), { recursive: true });
    writeFileSync(join(project, 'build', 'deploy', '.env'), `DEPLOY_TOKEN=${V.ignored}\n`);
    try {
      const json = await store.cli(['scan', '--json'], { cwd: project });
      assert.equal(json.json.data.ignored_dirs_skipped, 1);
      assert.ok(!json.json.data.findings.some((f: { file: string }) => f.file.startsWith('build/')), 'an env file in an ignored directory is not read');
      assert.ok(json.json.next_actions.some((a: { command: string }) => a.command === 'secrets scan . --no-ignore'));
      const human = await store.cli(['scan', project, '--human']);
      assert.ok(human.stdout.includes(`skipped 1 ignored directory; secrets scan ${project} --no-ignore to look in them`), human.stdout);
      const all = await store.cli(['scan', '--no-ignore', '--json'], { cwd: project });
      assert.equal(all.code, 1);
      assert.equal(all.json.data.ignored_dirs_skipped, 0);
      const files = new Set(all.json.data.findings.map((f: { file: string }) => f.file));
      assert.ok(files.has('build/deploy/.env') && files.has('build/config.json'), [...files].join(' '));
      assert.ok(![...files].some((f) => (f as string).startsWith('node_modules/')), 'node_modules is never entered');
      assertNoValues(json.stdout + human.stdout + all.stdout + all.stderr, 'scan of ignored directories');
    } finally {
      rmSync(join(project, 'build', 'deploy'), { recursive: true, force: true });
    }
  });

  test('--human: a table, exit 1, no values; a clean project exits 0', async () => {
    const result = await store.cli(['scan', project, '--human']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /WHERE\s+KEY\s+KIND/);
    assert.match(result.stdout, /\.env:2\s+GITHUB_TOKEN\s+github_token/);
    assert.match(result.stdout, /8 credential\(s\)/);
    assertNoValues(result.stdout + result.stderr, 'scan --human');
    const clean = mkdtempSync(join(tmpdir(), 'as-scan-clean-'));
    try {
      writeFileSync(join(clean, '.env'), 'NODE_ENV=production\nAPI_KEY=changeme\n');
      const ok = await store.cli(['scan', clean, '--json']);
      assert.equal(ok.code, 0);
      assert.deepEqual(ok.json.data.findings, []);
      assert.equal((await store.cli(['scan', join(clean, 'missing'), '--json'])).code, 2);
    } finally {
      rmSync(clean, { recursive: true, force: true });
    }
  });

  test('--import without the passphrase (an agent) is refused and changes nothing', async () => {
    const result = await store.cli(['scan', '--import', '--json'], { cwd: project });
    assert.equal(result.code, 4, result.stdout);
    assert.equal(readFileSync(join(project, '.env'), 'utf8'), ENV);
    assertNoValues(result.stdout + result.stderr, 'refused import');
  });

  test('--import moves the env values into the store, maps them, rewrites the files, backs them up encrypted', async () => {
    // A name already taken by another value: the moved one gets a suffix.
    assert.equal((await store.admin(['add', 'openai_api_key'], { input: V.oldOpenai })).code, 0);
    const result = await store.admin(['scan', '--import', '--json'], { cwd: project });
    assertNoValues(result.stdout + result.stderr, 'scan --import');
    // Still exit 1: the YAML one and the symlinked file's stay where they are, and say why.
    assert.equal(result.code, 1, result.stderr);
    const data = result.json.data;
    assert.deepEqual(
      data.moved.map((m: { file: string; key: string; secret_name: string; outcome: string }) => `${m.file} ${m.key} ${m.secret_name} ${m.outcome}`),
      [
        '.env GITHUB_TOKEN github_token added',
        '.env OPENAI_API_KEY openai_api_key_2 added',
        '.env DB_ADMIN_PASSWORD db_admin_password added',
        '.env DEPLOY_KEY deploy_key added',
        '.env DATABASE_URL database_url added',
        '.env.local ANTHROPIC_API_KEY anthropic_api_key added',
      ],
    );
    assert.deepEqual(data.left.map((l: { file: string; reason: string }) => [l.file, /symlink|not an env file/.test(l.reason)]), [
      ['config/settings.yaml', true],
      ['.env.shared', true],
    ]);
    assert.deepEqual(data.rewritten, ['.env', '.env.local']);

    // The store holds the exact values.
    for (const [name, value] of [['github_token', V.github], ['openai_api_key_2', V.openai], ['deploy_key', V.pem], ['database_url', `postgres://app:${V.urlPassword}@db.internal:5432/app`], ['anthropic_api_key', V.anthropic], ['db_admin_password', V.dbPassword]]) {
      const lease = await store.cli(['lease', name!, '--client-id', 'scan-test']);
      assert.equal(lease.code, 0, lease.stderr);
      assert.equal(lease.stdout, value, name);
    }

    // .secrets.json: the existing entry and client_id kept, each env var mapped.
    const config = JSON.parse(readFileSync(join(project, '.secrets.json'), 'utf8'));
    assert.equal(config.client_id, 'scan-test');
    assert.deepEqual(config.secrets, [
      { name: 'kept_thing', env_var: 'KEPT', ttl: '30m' },
      { name: 'github_token', env_var: 'GITHUB_TOKEN' },
      { name: 'openai_api_key_2', env_var: 'OPENAI_API_KEY' },
      { name: 'db_admin_password', env_var: 'DB_ADMIN_PASSWORD' },
      { name: 'deploy_key', env_var: 'DEPLOY_KEY' },
      { name: 'database_url', env_var: 'DATABASE_URL' },
      { name: 'anthropic_api_key', env_var: 'ANTHROPIC_API_KEY' },
    ]);

    // The env files: no value left, each key kept empty under a comment, the mode kept.
    const env = readFileSync(join(project, '.env'), 'utf8');
    assert.match(env, /^# GITHUB_TOKEN: moved to Agent Secrets \(secret github_token\).*\nGITHUB_TOKEN=$/m);
    assert.match(env, /^export OPENAI_API_KEY=$/m);
    assert.match(env, /^DB_PASSWORD=changeme$/m);
    assert.match(env, /^NODE_ENV=production$/m);
    assert.equal(statSync(join(project, '.env')).mode & 0o777, 0o640);
    assert.match(readFileSync(join(project, '.env.local'), 'utf8'), /^ANTHROPIC_API_KEY=$/m);
    // The symlink is still a symlink, and what it points to is untouched.
    assert.ok(lstatSync(join(project, '.env.shared')).isSymbolicLink());
    assert.equal(readFileSync(join(outside, 'shared.env'), 'utf8'), `SHARED_TOKEN=${V.outside}\n`);

    // No moved value in plain text in the project (the YAML holds only its own), nor in the data dir.
    const moved = { github: V.github, openai: V.openai, anthropic: V.anthropic, dbPassword: V.dbPassword, urlPassword: V.urlPassword, pem: V.pem };
    for (const file of filesUnder(project).filter((f) => !f.includes('node_modules'))) {
      const bytes = readFileSync(file);
      for (const [name, value] of Object.entries(moved)) assert.ok(!bytes.includes(Buffer.from(value)), `${file} still holds ${name}`);
    }
    assertNoPlaintext(store.home, { ...moved, oldOpenai: V.oldOpenai });

    // The backups: age ciphertexts to the store's recipient, opened by Debian's age with the identity.
    assert.deepEqual(data.backups.map((b: { file: string }) => b.file), ['.env', '.env.local']);
    const decrypter = new Decrypter();
    decrypter.addPassphrase(PASSPHRASE);
    const identity = await decrypter.decrypt(readFileSync(join(store.home, 'identity.age')), 'text');
    const keyDir = mkdtempSync(join(tmpdir(), 'as-scan-key-'));
    try {
      writeFileSync(join(keyDir, 'key.txt'), identity, { mode: 0o600 });
      for (const backup of data.backups as Array<{ file: string; path: string }>) {
        assert.ok(backup.path.startsWith(join(store.home, 'backups') + '/'));
        assert.equal(statSync(backup.path).mode & 0o777, 0o600);
        assert.ok(readFileSync(backup.path).subarray(0, 21).toString() === 'age-encryption.org/v1');
        const original = execFileSync('age', ['-d', '-i', join(keyDir, 'key.txt'), backup.path]).toString('utf8');
        assert.equal(original, backup.file === '.env' ? ENV : `ANTHROPIC_API_KEY=${V.anthropic}\nAPI_KEY=<your-api-key>\n`);
      }
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });

  test('--import again is harmless: nothing moved, nothing rewritten, no new secret or backup', async () => {
    const before = { env: readFileSync(join(project, '.env')), config: readFileSync(join(project, '.secrets.json')), backups: readdirSync(join(store.home, 'backups')).length };
    const secrets = (await store.cli(['list', '--json'])).json.data.secrets.length;
    const result = await store.admin(['scan', '--import', '--json'], { cwd: project });
    assert.equal(result.code, 1);
    assert.deepEqual(result.json.data.moved, []);
    assert.deepEqual(result.json.data.rewritten, []);
    assert.equal(result.json.data.left.length, 2);
    assert.ok(readFileSync(join(project, '.env')).equals(before.env));
    assert.ok(readFileSync(join(project, '.secrets.json')).equals(before.config));
    assert.equal(readdirSync(join(store.home, 'backups')).length, before.backups);
    assert.equal((await store.cli(['list', '--json'])).json.data.secrets.length, secrets);
  });
});
