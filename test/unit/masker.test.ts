import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Masker, maskPatterns } from '../../electron/cli/exec/masker.js';

const TOKEN = 'ghp_S3cr3tT0kenValue+/=?&';

function run(chunks: (string | Buffer)[], values = [{ name: 'github_token', value: TOKEN }]): string {
  const out: Buffer[] = [];
  const masker = new Masker(maskPatterns(values), (b) => out.push(b));
  for (const chunk of chunks) masker.push(Buffer.from(chunk));
  masker.end();
  return Buffer.concat(out).toString('utf8');
}

test('masks the value and its base64, base64url and URL-encoded forms', () => {
  const raw = Buffer.from(TOKEN);
  const text = `a ${TOKEN} b ${raw.toString('base64')} c ${raw.toString('base64url')} d ${encodeURIComponent(TOKEN)} e`;
  assert.equal(run([text]), 'a <secret:github_token> b <secret:github_token> c <secret:github_token> d <secret:github_token> e');
});

test('a value split across chunks at every possible point is still masked', () => {
  const text = `before ${TOKEN} after\n`;
  for (let cut = 0; cut <= text.length; cut++) {
    assert.equal(run([text.slice(0, cut), text.slice(cut)]), 'before <secret:github_token> after\n', `cut at ${cut}`);
  }
  assert.equal(run([...text]), 'before <secret:github_token> after\n', 'one byte at a time');
});

test('output without secrets passes through unchanged, including multi-byte characters split across chunks', () => {
  const text = 'naïve ünïcødé ✓ output\n';
  const bytes = Buffer.from(text);
  assert.equal(run([bytes.subarray(0, 3), bytes.subarray(3, 9), bytes.subarray(9)]), text);
});

test('several values; very short values are left alone', () => {
  const values = [
    { name: 'a', value: 'alpha-secret' },
    { name: 'b', value: 'xy' },
  ];
  assert.equal(run(['alpha-secret and xy'], values), '<secret:a> and xy');
});

test('output that cannot start a value is passed on at once (a prompt is not held back)', () => {
  const out: Buffer[] = [];
  const masker = new Masker(maskPatterns([{ name: 'github_token', value: TOKEN }]), (b) => out.push(b));
  masker.push(Buffer.from('Password: '));
  assert.equal(Buffer.concat(out).toString(), 'Password: ', 'written before any further output or the end');
  masker.push(Buffer.from('ghp_S3'));
  assert.equal(Buffer.concat(out).toString(), 'Password: ', 'a possible start of the value waits');
  masker.push(Buffer.from('cr3tT0kenValue+/=?&!'));
  assert.equal(Buffer.concat(out).toString(), 'Password: <secret:github_token>!');
});
