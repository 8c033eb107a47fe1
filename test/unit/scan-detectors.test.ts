/**
 * `secrets scan`'s detectors: every documented token kind is found, placeholders and plain values are
 * not, and the report — JSON and text — never holds a value or any prefix of one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { TRIGGER, detect } from '../../electron/cli/scan/detect.js';
import { parseDotenvLines } from '../../electron/cli/scan/dotenv-lines.js';
import { isSecretKey } from '../../electron/cli/scan/keys.js';
import { buildReport, humanReport } from '../../electron/cli/scan/report.js';
import { scanProject } from '../../electron/cli/scan/scan.js';
import { isPlaceholder, looksRandomEnough, shannonEntropy } from '../../electron/cli/scan/values.js';

const rep = (c: string, n: number) => c.repeat(n);
/** Random-looking, so the entropy rule would take them too; each test names the kind it expects. */
const mix = (n: number, seed = 7) => Array.from({ length: n }, (_, i) => 'aB3xQ9zK7mP2wR5tY8uE1oI4'[(i * seed + (i >> 2)) % 24]).join('');

export const TOKENS: Record<string, string> = {
  github_token: `ghp_${mix(36)}`,
  github_pat: `github_pat_${mix(22)}_${mix(59, 5)}`,
  github_oauth: `gho_${mix(36, 5)}`,
  github_user_to_server: `ghu_${mix(36, 11)}`,
  github_server_to_server: `ghs_${mix(36, 13)}`,
  github_refresh: `ghr_${mix(76, 5)}`,
  gitlab_token: `glpat-${mix(20)}`,
  aws_access_key_id: 'AKIAIOSFODNN7EXAMPL3',
  aws_session_key_id: 'ASIAY34FZKBOKMUTVV7A',
  google_api_key: `AIza${mix(35)}`,
  slack_token: `xoxb-1234567890-${mix(24)}`,
  slack_user_token: `xoxp-1234567890-1234567890-1234567890-${mix(32, 5)}`,
  stripe_live_key: `sk_live_${mix(24)}`,
  stripe_restricted: `rk_live_${mix(24)}`,
  openai_api_key: `sk-proj-${mix(40)}`,
  openai_legacy: `sk-${mix(48)}`,
  anthropic_api_key: `sk-ant-api03-${mix(40)}`,
  npm_token: `npm_${mix(36)}`,
  pypi_token: `pypi-AgEIcHlwaS5vcmc${mix(50)}`,
  jwt: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${mix(43)}`,
};
const KIND_OF: Record<string, string> = {
  github_pat: 'github_token',
  github_oauth: 'github_token',
  github_user_to_server: 'github_token',
  github_server_to_server: 'github_token',
  github_refresh: 'github_token',
  aws_session_key_id: 'aws_access_key_id',
  slack_user_token: 'slack_token',
  stripe_restricted: 'stripe_live_key',
  openai_legacy: 'openai_api_key',
};

test('every token format is found, with its kind and the key it is assigned to', () => {
  for (const [name, token] of Object.entries(TOKENS)) {
    const kind = KIND_OF[name] ?? name;
    assert.deepEqual(detect(`SOME_VAR=${token}\n`, 'dotenv').map((d) => [d.kind, d.key, d.line]), [[kind, 'SOME_VAR', 1]], `${name} in a .env`);
    assert.deepEqual(detect(`setting:\n  value: "${token}"\n`, 'lines').map((d) => [d.kind, d.key, d.line]), [[kind, 'value', 2]], `${name} in YAML`);
    assert.deepEqual(detect(`# old one: ${token}\n`, 'dotenv').map((d) => [d.kind, d.key]), [[kind, null]], `${name} in a comment`);
  }
});

test('private keys, AWS secret keys, URLs with passwords, netrc passwords, one-line JSON', () => {
  const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
  assert.deepEqual(detect(pem, 'lines').map((d) => [d.kind, d.line]), [['private_key', 1]]);
  assert.deepEqual(detect(`KEY="${pem.replace(/\n/g, '\\n')}"`, 'dotenv').map((d) => [d.kind, d.key]), [['private_key', 'KEY']]);
  assert.deepEqual(detect(`A=1\nKEY="-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----"\n`, 'dotenv').map((d) => [d.kind, d.line]), [['private_key', 2]]);
  assert.deepEqual(detect('[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n', 'lines').map((d) => [d.kind, d.key]), [['aws_secret_access_key', 'aws_secret_access_key']]);
  assert.deepEqual(detect('DATABASE_URL=postgres://app:S3cr3t-pw@db.internal:5432/app\n', 'dotenv').map((d) => [d.kind, d.key]), [['url_password', 'DATABASE_URL']]);
  assert.deepEqual(detect('https://alice:hunter2@github.com\n', 'lines').map((d) => d.kind), ['url_password']);
  assert.deepEqual(detect('machine api.example.com login me password hunter2\n', 'netrc').map((d) => d.kind), ['password']);
  const docker = `{"auths":{"https://index.docker.io/v1/":{"auth":"${Buffer.from('me:Tr0ub4dor&3').toString('base64')}"}},"apiKey":"${TOKENS.google_api_key}"}`;
  assert.deepEqual(detect(docker, 'lines').map((d) => [d.kind, d.key]), [['google_api_key', 'apiKey'], ['high_entropy_secret', 'auth']]);
});

test('secret-looking keys with random values are found; their settings, placeholders and plain words are not', () => {
  assert.deepEqual(detect('DB_PASSWORD=Tr0ub4dor&3x\nclientSecret: 9f8e7d6c5b4a39281706\n', 'dotenv').map((d) => d.key), ['DB_PASSWORD', 'clientSecret']);
  assert.deepEqual(detect('clientSecret: 9f8e7d6c5b4a39281706\n', 'lines').map((d) => d.kind), ['high_entropy_secret']);
  const quiet = [
    'DB_PASSWORD=changeme', 'API_KEY=xxxxxxxxxxxxxxxx', 'API_KEY=<your-api-key>', 'TOKEN=${GITHUB_TOKEN}', 'TOKEN=$GITHUB_TOKEN',
    'SECRET=', 'SECRET=""', 'PASSWORD=password', 'API_KEY=your-api-key-here', 'AUTH_MODE=development', 'TOKEN_URL=https://auth.example.com/oauth/token',
    'PASSWORD_MIN_LENGTH=12', 'PRIVATE_KEY_PATH=/etc/ssl/private/key.pem', 'SECRET_KEY={{ secret_key }}', 'PASSWORD=********', 'API_KEY=aaaaaaaaaaaaaaaa',
    'TOKEN=abc', 'DATABASE_URL=postgres://user:${DB_PASSWORD}@db/app', 'URL=https://user:password@example.com', 'NODE_ENV=production', 'PUBLIC_KEY=Zx9vQ2mN8kL4pR7tW1yB3',
  ];
  for (const line of quiet) assert.deepEqual(detect(line + '\n', 'dotenv'), [], line);
});

test('the entropy rule is the documented one', () => {
  assert.equal(shannonEntropy('aaaa'), 0);
  assert.equal(shannonEntropy('abcd'), 2);
  assert.equal(looksRandomEnough('Tr0ub4dor&3'), true);
  assert.equal(looksRandomEnough('development'), false, 'one character class');
  assert.equal(looksRandomEnough('Ab1Ab1'), false, 'shorter than 8');
  assert.equal(looksRandomEnough('abab1212'), false, 'entropy 2 < 3');
  for (const p of ['changeme', '<your-key>', '${VAR}', '', 'xxx', 'your_token_here', 'REDACTED']) assert.equal(isPlaceholder(p), true, p);
  for (const k of ['GITHUB_TOKEN', 'db_password', 'apiKey', '//registry.npmjs.org/:_authToken', 'AWS_SECRET_ACCESS_KEY', 'STRIPE_API_KEY', 'auth']) assert.equal(isSecretKey(k), true, k);
  for (const k of ['TOKEN_URL', 'AUTH_DOMAIN', 'PASSWORD_MIN_LENGTH', 'PUBLIC_KEY', 'NODE_ENV', 'CLIENT_ID', 'SECRET_NAME']) assert.equal(isSecretKey(k), false, k);
});

test('the line pre-filter lets through every token and every secret-looking key', () => {
  for (const token of Object.values(TOKENS)) assert.ok(TRIGGER.test(token), token.slice(0, 4));
  assert.ok(TRIGGER.test('-----BEGIN PRIVATE KEY-----') && TRIGGER.test('x://u:p@h'));
  const words = ['token', 'secret', 'password', 'passwd', 'pwd', 'pass', 'passphrase', 'apikey', 'privatekey', 'private', 'credential', 'creds', 'auth', 'bearer', 'signingkey', 'accesskey', 'masterkey'];
  const keys = [...words, ...words.map((w) => `MY_${w.toUpperCase()}`), 'API_KEY', 'clientSecret', 'WEBHOOK_KEY', 'aws_secret_access_key'];
  for (const key of keys) {
    if (isSecretKey(key)) assert.ok(TRIGGER.test(key), key);
  }
  assert.equal(keys.filter(isSecretKey).length, keys.length, 'every listed word names a secret');
});

test('the .env reader agrees with dotenv on values and knows their lines', () => {
  const text = 'A=plain\nexport B="two\\nlines" # c\nC=\'single # kept\'\nD=cut#comment\nE: colon\nF="multi\nline\nvalue"\n# G=commented\nH=`tick`\n  I = spaced  \n';
  const parsed = parseDotenvLines(text);
  assert.deepEqual(Object.fromEntries(parsed.map((e) => [e.key, e.value])), dotenv.parse(text));
  assert.deepEqual(parsed.map((e) => [e.key, e.line, e.endLine]), [['A', 1, 1], ['B', 2, 2], ['C', 3, 3], ['D', 4, 4], ['E', 5, 5], ['F', 6, 8], ['H', 10, 10], ['I', 11, 11]]);
});

test('the report, as JSON and as text, holds no value and no prefix of one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'as-scan-unit-'));
  try {
    const lines = Object.entries(TOKENS).map(([name, token], i) => `${name.toUpperCase()}_${i}=${token}`);
    lines.push('DB_PASSWORD=Tr0ub4dor&3x', 'DATABASE_URL=postgres://app:S3cr3t-pw@db/app');
    writeFileSync(join(dir, '.env'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'config.yaml'), Object.values(TOKENS).map((t, i) => `k${i}: ${t}`).join('\n'));
    const scan = scanProject(dir);
    assert.equal(scan.found.length, Object.keys(TOKENS).length * 2 + 2);
    const report = buildReport(scan);
    const outputs = [JSON.stringify(report), humanReport(report, '.')];
    const values = [...Object.values(TOKENS), 'Tr0ub4dor&3x', 'S3cr3t-pw'];
    for (const out of outputs) {
      for (const value of values) {
        // Any 6-character piece of a value that is not just its well-known prefix (ghp_, sk-ant-…).
        for (let i = 0; i + 6 <= value.length; i++) {
          const piece = value.slice(i, i + 6);
          if (/^[a-z_-]+$/.test(piece) && i < 12) continue;
          assert.ok(!out.includes(piece), `the report holds ${piece} of a value`);
        }
      }
      // Its first 8 characters: the well-known prefix (ghp_, sk-proj-, AKIA…) and what follows.
      for (const value of values) assert.ok(!out.includes(value.slice(0, 8)), `the report holds the start of a value`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
