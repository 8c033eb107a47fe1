/** `secrets env` and `cleanup`: a 0600 env file the daemon writes, quoted for sh, gone when its leases end. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../helpers/processes.js';
import { type TestStore, startedStore } from '../helpers/store.js';

const NASTY = `it's "quoted" $HOME \`cmd\` \\ back\nsecond line  with  spaces`;
let store: TestStore;
let project: string;
const envPath = () => join(project, '.env');
const cli = (args: string[]) => store.cli(args, { cwd: project });
const waitGone = (path: string) => waitUntil(() => !existsSync(path));

before(async () => {
  store = await startedStore();
  await store.admin(['add', 'nasty'], { input: NASTY });
  await store.admin(['add', 'plain'], { input: 'plain-value' });
  project = mkdtempSync(join(tmpdir(), 'as-env-'));
  writeFileSync(join(project, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'nasty', env_var: 'NASTY' }, { name: 'plain', env_var: 'PLAIN', ttl: '10m' }], client_id: 'env-project' }));
});
after(async () => {
  rmSync(project, { recursive: true, force: true });
  await store.cleanup();
});

test('writes a 0600 file whose quoting round-trips through sh, with a header naming the leases', async () => {
  const result = await cli(['env']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.json.data.path, envPath());
  assert.ok(!result.stdout.includes('plain-value'), 'values never travel back to the CLI');
  assert.equal(statSync(envPath()).mode & 0o777, 0o600);
  const text = readFileSync(envPath(), 'utf8');
  for (const lease of result.json.data.leases) assert.ok(text.includes(lease.lease_id));
  const read = (name: string) => execFileSync('sh', ['-c', `. '${envPath()}'; printf %s "$${name}"`], { encoding: 'utf8' });
  assert.equal(read('NASTY'), NASTY);
  assert.equal(read('PLAIN'), 'plain-value');
});

test('refuses to overwrite a file it did not write unless --force; --out picks another path', async () => {
  const other = join(project, 'mine.env');
  writeFileSync(other, 'KEEP=me\n');
  const refused = await cli(['env', '--out', other]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /already exists/);
  assert.equal(readFileSync(other, 'utf8'), 'KEEP=me\n');
  assert.equal((await cli(['leases', '--client', 'env-project'])).json.data.leases.length, 2, 'no leases left behind by the refusal');
  assert.equal((await cli(['env', '--out', other, '--force'])).code, 0);
  assert.match(readFileSync(other, 'utf8'), /^PLAIN='plain-value'$/m);
});

test('revoking a lease deletes the file', async () => {
  const other = join(project, 'mine.env');
  await cli(['revoke', '--client', 'env-project']);
  assert.equal(await waitGone(envPath()), true);
  assert.equal(await waitGone(other), true);
});

test('expiry deletes it, and so does the killswitch', async () => {
  assert.equal((await cli(['env', '--ttl', '2s'])).code, 0);
  assert.equal(existsSync(envPath()), true);
  assert.equal(await waitGone(envPath()), true);
  assert.equal((await cli(['env'])).code, 0);
  assert.equal((await cli(['killswitch', '--reason', 'env test'])).json.data.deleted_env_files, 1);
  assert.equal(existsSync(envPath()), false);
  assert.equal((await store.admin(['killswitch', '--disengage'])).code, 0);
});

test('cleanup lists and deletes nothing when every file went with its leases', async () => {
  const dry = await cli(['cleanup', '--dry-run']);
  assert.equal(dry.code, 0);
  assert.deepEqual(dry.json.data, { paths: [], deleted: false });
});
