import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_DERIVED_LENGTH, Masker, maskPatterns } from '../../electron/cli/exec/masker.js';

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

const UNICODE = 'pässwörd-✓-🔑-secret';

test('masks the JSON-escaped value, as is and with non-ASCII as \\uXXXX (either case)', () => {
  const quoted = 'tok"with\\slash\nand-newline';
  const json = JSON.stringify({ token: quoted });
  assert.equal(run([`body ${json} end`], [{ name: 'q', value: quoted }]), 'body {"token":"<secret:q>"} end');
  const ascii = JSON.stringify(UNICODE).slice(1, -1).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  assert.match(ascii, /\\u00e4.*\\ud83d\\udd11/, 'what Python json.dumps prints');
  const values = [{ name: 'u', value: UNICODE }];
  assert.equal(run([`{"p": "${ascii}"}`], values), '{"p": "<secret:u>"}');
  assert.equal(run([`{"p": "${ascii.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => `\\u${h.toUpperCase()}`)}"}`], values), '{"p": "<secret:u>"}');
  assert.equal(run([`raw ${UNICODE}`], values), 'raw <secret:u>');
});

test('masks hex, lower and upper case', () => {
  const hex = Buffer.from(TOKEN).toString('hex');
  assert.equal(run([`h=${hex} H=${hex.toUpperCase()}.`]), 'h=<secret:github_token> H=<secret:github_token>.');
});

test('masks the value base64-encoded inside a longer string, at every byte offset (Basic auth)', () => {
  for (const value of [TOKEN, 'abcdef', 'seven77', 'eight888', UNICODE]) {
    const raw = Buffer.from(value);
    for (let before = 0; before <= 5; before++) {
      for (let after = 0; after <= 3; after++) {
        const data = Buffer.concat([Buffer.from('u:xyz'.slice(0, before)), raw, Buffer.from('@#!'.slice(0, after))]);
        for (const encoding of ['base64', 'base64url'] as const) {
          const encoded = data.toString(encoding);
          const out = run([`Authorization: Basic ${encoded}\n`], [{ name: 's', value }]);
          assert.match(out, /^Authorization: Basic [A-Za-z0-9+/_=-]{0,8}<secret:s>[A-Za-z0-9+/_=-]{0,8}\n$/, `${encoding}, ${before} bytes before, ${after} after: ${out}`);
        }
      }
    }
  }
  const header = `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`;
  assert.ok(!run([header]).includes(Buffer.from(`user:${TOKEN}`).toString('base64').slice(8, 24)), 'no run of the encoded token is left');
});

test('derived forms shorter than the minimum are skipped, so short values do not garble output', () => {
  // A 4-character value is masked raw, but its 4-character encodings at an offset are common text.
  const patterns = maskPatterns([{ name: 'pin', value: 'abcd' }]).map((p) => p.bytes.toString());
  assert.ok(patterns.includes('abcd'));
  assert.ok(patterns.every((p) => p === 'abcd' || p.length >= MIN_DERIVED_LENGTH), patterns.join(' '));
  assert.equal(run(['WJjZ is not YWJjZA== but abcd'], [{ name: 'pin', value: 'abcd' }]), 'WJjZ is not <secret:pin> but <secret:pin>');
});

test('an encoded value split across chunks at every point is still masked', () => {
  const text = `x ${Buffer.from(`user:${TOKEN}`).toString('base64')} ${Buffer.from(TOKEN).toString('hex')} y`;
  const whole = run([text]);
  assert.ok(!whole.includes(Buffer.from(TOKEN).toString('hex')));
  for (let cut = 0; cut <= text.length; cut++) assert.equal(run([text.slice(0, cut), text.slice(cut)]), whole, `cut at ${cut}`);
});

test('many values: every one is masked wherever it appears, the rest passes through', () => {
  const values = Array.from({ length: 200 }, (_, i) => ({ name: `s${i}`, value: `secret-value-number-${i}-${'k'.repeat(i % 17)}` }));
  const patterns = maskPatterns(values);
  assert.ok(patterns.length > 1000, `${patterns.length} patterns`);
  const filler = 'ordinary build output, nothing to hide here 0123456789 '.repeat(50);
  const picked = [values[3]!, values[150]!, values[199]!];
  const text = `${filler}${picked[0]!.value}${filler}${Buffer.from(picked[1]!.value).toString('hex')}\n${JSON.stringify({ a: picked[2]!.value })}${filler}`;
  const expected = `${filler}<secret:s3>${filler}<secret:s150>\n{"a":"<secret:s199>"}${filler}`;
  for (const size of [1, 7, 4096]) {
    const out: Buffer[] = [];
    const masker = new Masker(patterns, (b) => out.push(b));
    for (let at = 0; at < text.length; at += size) masker.push(Buffer.from(text.slice(at, at + size)));
    masker.end();
    assert.equal(Buffer.concat(out).toString(), expected, `chunks of ${size}`);
  }
});
