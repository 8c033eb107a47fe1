/** `secrets env` and `cleanup`: a 0600 env file the daemon writes, quoted for sh, gone when its leases end. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../helpers/processes.js';
import { type TestStore, startedStore } from '../helpers/store.js';

const NASTY = `it's "quoted" $HOME \`cmd\` \\ back\nsecond line  with  spaces`;
const PROJECT = JSON.stringify({ secrets: [{ name: 'nasty', env_var: 'NASTY' }, { name: 'plain', env_var: 'PLAIN', ttl: '10m' }], client_id: 'env-project' });
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
  writeFileSync(join(project, '.secrets.json'), PROJECT);
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

test('the approval request and the waiting message name the file the secrets go to', async () => {
  const quiet = await startedStore({ autoApprove: false });
  try {
    await quiet.admin(['add', 'plain'], { input: 'plain-value' });
    writeFileSync(join(project, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'plain', env_var: 'PLAIN' }], client_id: 'env-asking' }));
    const running = quiet.cli(['env'], { cwd: project });
    let requests: { request_id: string; env_file: string | null }[] = [];
    await waitUntil(async () => (requests = (await quiet.cli(['requests'])).json.data.requests).length > 0);
    assert.equal(requests[0]?.env_file, envPath());
    assert.equal((await quiet.admin(['deny', requests[0]!.request_id])).code, 0);
    const result = await running;
    assert.equal(result.code, 4);
    assert.ok(result.stderr.includes(`written to ${envPath()}`), result.stderr);
    assert.equal(existsSync(envPath()), false);
  } finally {
    writeFileSync(join(project, '.secrets.json'), PROJECT);
    await quiet.cleanup();
  }
});

test('cleanup deletes a file whose leases ended while the daemon was down and its directory away, and leaves one that was replaced', async () => {
  const away = mkdtempSync(join(tmpdir(), 'as-away-'));
  const moved = `${away}.moved`;
  try {
    writeFileSync(join(away, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'plain', env_var: 'PLAIN' }], client_id: 'env-away' }));
    const ours = join(away, '.env');
    const replaced = join(away, 'replaced.env');
    const first = await store.cli(['env', '--ttl', '2s'], { cwd: away });
    const second = await store.cli(['env', '--ttl', '2s', '--out', replaced], { cwd: away });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    // The project goes away (a moved folder, an unmounted disk) before its leases can end, so the
    // daemon cannot reach the files when they do; it keeps them registered for cleanup.
    renameSync(away, moved);
    await store.daemon!.stop();
    const lastExpiry = Math.max(...[first, second].flatMap((r) => r.json.data.leases.map((l: { expires_at: string }) => Date.parse(l.expires_at))));
    assert.ok(await waitUntil(() => Date.now() > lastExpiry + 100, 30_000));
    rmSync(join(moved, 'replaced.env'));
    writeFileSync(join(moved, 'replaced.env'), 'MINE=kept\n');
    await store.start();
    renameSync(moved, away);
    assert.equal(existsSync(ours), true, 'not reachable when its leases ended at start');

    const dry = await store.cli(['cleanup', '--dry-run'], { cwd: away });
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(dry.json.data, { paths: [ours], deleted: false }, 'the replaced file is not the daemon\'s to list');
    assert.equal(existsSync(ours), true, 'a dry run deletes nothing');
    const human = await store.cli(['cleanup', '--dry-run', '--human'], { cwd: away });
    assert.equal(human.stdout, `would delete:\n${ours}\n`);

    const done = await store.cli(['cleanup'], { cwd: away });
    assert.deepEqual(done.json.data, { paths: [ours], deleted: true });
    assert.equal(existsSync(ours), false);
    assert.equal(readFileSync(replaced, 'utf8'), 'MINE=kept\n');
    assert.deepEqual((await store.cli(['cleanup', '--dry-run'])).json.data, { paths: [], deleted: false }, 'nothing left registered');
  } finally {
    rmSync(away, { recursive: true, force: true });
    rmSync(moved, { recursive: true, force: true });
  }
});
