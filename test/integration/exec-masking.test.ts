/**
 * `secrets exec` masks a value in the forms a command prints it by accident: JSON-escaped (as is and
 * ASCII-only), hex, and base64 inside a longer string (a Basic auth header) — end to end, through
 * the real CLI and daemon. Masking stops accidental echo; a command that wants to leak can always
 * re-encode the value another way.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestStore, startedStore } from '../helpers/store.js';

const TOKEN = 'tök_"Exec\\Mask-0123456789';

let store: TestStore;
let project: string;

before(async () => {
  store = await startedStore();
  await store.admin(['add', 'api_token'], { input: TOKEN });
  project = mkdtempSync(join(tmpdir(), 'as-mask-'));
  writeFileSync(join(project, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'api_token', env_var: 'API_TOKEN' }], client_id: 'mask-project' }));
});
after(async () => {
  rmSync(project, { recursive: true, force: true });
  await store.cleanup();
});

test('the value JSON-escaped, ASCII-escaped, in hex and inside a base64 Basic auth header is masked in stdout and stderr', async () => {
  const printer = [
    'const v = process.env.API_TOKEN;',
    'console.log(JSON.stringify({ token: v }));',
    'console.log(JSON.stringify(v).replace(/[\\u007f-\\uffff]/g, (c) => "\\\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")));',
    'console.log("hex " + Buffer.from(v).toString("hex") + " HEX " + Buffer.from(v).toString("hex").toUpperCase());',
    'for (const user of ["u", "us", "use", "user"]) console.error("Authorization: Basic " + Buffer.from(user + ":" + v).toString("base64"));',
    'console.error("url " + Buffer.from("x" + v + "y").toString("base64url"));',
  ].join('\n');
  const result = await store.cli(['exec', '--', process.execPath, '-e', printer], { cwd: project });
  assert.equal(result.code, 0, result.stderr);
  const output = result.stdout + result.stderr;
  const raw = Buffer.from(TOKEN);
  for (const leaked of [TOKEN, JSON.stringify(TOKEN).slice(1, -1), raw.toString('hex'), raw.toString('hex').toUpperCase(), raw.toString('base64').slice(2, -4), raw.toString('base64url').slice(2, -4)]) {
    assert.ok(!output.includes(leaked), `"${leaked}" was printed`);
  }
  assert.match(result.stdout, /^\{"token":"<secret:api_token>"\}\n"<secret:api_token>"\nhex <secret:api_token> HEX <secret:api_token>\n$/);
  const headers = result.stderr.split('\n').filter((line) => line.startsWith('Authorization'));
  assert.equal(headers.length, 4);
  for (const line of headers) assert.match(line, /^Authorization: Basic [A-Za-z0-9+/=]{0,8}<secret:api_token>[A-Za-z0-9+/=]{0,4}$/);
});
