/**
 * An agent running as the same user turns `secrets env` against the person: it points the env file at
 * the store's identity, plants a .secrets.json in the data dir, talks to the socket directly with paths
 * of its choosing, and swaps directories or files for symlinks and hard links before the lease ends.
 * Every attempt is refused or comes to nothing, and the store still opens with every value intact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawClient } from '../helpers/raw-socket.js';
import { waitUntil } from '../helpers/processes.js';
import { type TestStore, startedStore } from '../helpers/store.js';

const VALUE = 'env-attack-value-0123456789';
const CONFIG = (clientId: string) => JSON.stringify({ secrets: [{ name: 'token', env_var: 'TOKEN' }], client_id: clientId });

let store: TestStore;
let identity: Buffer;
const scratch: string[] = [];

/** A fresh project directory holding a .secrets.json for `clientId`. */
function newProject(clientId: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'as-attack-'));
  scratch.push(dir);
  writeFileSync(join(dir, '.secrets.json'), CONFIG(clientId));
  return dir;
}

/** A directory of the person's that no env file was ever written to, with a file in it. */
function bystander(name = '.env'): { dir: string; file: string; content: string } {
  const dir = mkdtempSync(join(tmpdir(), 'as-victim-'));
  scratch.push(dir);
  const content = `PERSON_WROTE_THIS=${dir}\n`;
  writeFileSync(join(dir, name), content);
  return { dir, file: join(dir, name), content };
}

const activeLeases = async (clientId: string) => (await store.cli(['leases', '--client', clientId])).json.data.leases.length as number;

/** The daemon logged that it left a file alone: its lease-end handling has run. */
const leftAlone = (before: number) => waitUntil(() => (store.daemon!.stderr().slice(before).match(/left an env file alone/g) ?? []).length > 0);

before(async () => {
  store = await startedStore();
  assert.equal((await store.admin(['add', 'token'], { input: VALUE })).code, 0);
  identity = readFileSync(join(store.home, 'identity.age'));
});
after(async () => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  await store.cleanup();
});

describe('where the daemon writes', () => {
  test('env --force --out <data dir>/identity.age is refused; the identity is untouched and nothing is leased', async () => {
    const project = newProject('attack-out');
    const target = join(store.home, 'identity.age');
    const result = await store.cli(['env', '--force', '--out', target], { cwd: project });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.json.error.code, 'USAGE');
    assert.match(result.json.error.message, /outside the project|inside the store's data dir/);
    assert.ok(result.json.error.hint, 'the refusal says what to do');
    assert.deepEqual(readFileSync(target), identity);
    assert.equal(await activeLeases('attack-out'), 0);
  });

  test('a .secrets.json planted in the data dir does not make it a project', async () => {
    const planted = join(store.home, '.secrets.json');
    writeFileSync(planted, CONFIG('attack-planted'));
    try {
      for (const out of ['identity.age', 'state.db', 'config.json', 'fresh.env']) {
        const result = await store.cli(['env', '--force', '--out', out], { cwd: store.home });
        assert.equal(result.code, 2, `${out}: ${result.stderr}`);
        assert.match(result.json.error.message, /inside the store's data dir/);
        assert.equal(existsSync(join(store.home, 'fresh.env')), false);
      }
      assert.deepEqual(readFileSync(join(store.home, 'identity.age')), identity);
      assert.equal(await activeLeases('attack-planted'), 0);
    } finally {
      rmSync(planted, { force: true });
    }
  });

  test('straight over the socket: every path outside the rules is refused before anything is leased', async () => {
    const project = newProject('attack-raw');
    const victim = bystander();
    mkdirSync(join(project, 'real'));
    symlinkSync(victim.dir, join(project, 'link'));
    const projectLink = join(tmpdir(), `as-attack-link-${process.pid}`);
    symlinkSync(project, projectLink);
    scratch.push(projectLink);
    const attempts: [string, { path: string; project_dir: string }, RegExp][] = [
      ['the identity, the data dir as project', { path: join(store.home, 'identity.age'), project_dir: store.home }, /no \.secrets\.json|inside the store's data dir/],
      ['the identity, / as project', { path: join(store.home, 'identity.age'), project_dir: '/' }, /holds no \.secrets\.json/],
      ['a file of the person outside the project', { path: victim.file, project_dir: project }, /outside the project/],
      ['through a symlinked directory inside the project', { path: join(project, 'link', '.env'), project_dir: project }, /through a symlink/],
      ['a project reached through a symlink', { path: join(projectLink, '.env'), project_dir: projectLink }, /through a symlink/],
      ['.secrets.json itself', { path: join(project, '.secrets.json'), project_dir: project }, /cannot be \.secrets\.json/],
      ['"..": out of the project', { path: `${project}/real/../../escape.env`, project_dir: project }, /normalised/],
      ['a relative project dir', { path: join(project, '.env'), project_dir: 'relative/dir' }, /absolute/],
      ['a directory that does not exist', { path: join(project, 'nope', '.env'), project_dir: project }, /does not exist/],
    ];
    const client = await RawClient.connect(store.socket);
    try {
      for (const [i, [what, params, message]] of attempts.entries()) {
        const frame = await client.request(i, 'env.write', { ...params, force: true, secrets: [{ secret_name: 'token', env_var: 'TOKEN' }], client_id: 'attack-raw' });
        assert.equal(frame.error?.data.code, 'USAGE', `${what}: ${JSON.stringify(frame)}`);
        assert.match(frame.error!.data.message, message, what);
        assert.ok(frame.error!.data.hint, `${what}: the refusal says what to do`);
        assert.ok(!JSON.stringify(frame).includes(VALUE));
      }
    } finally {
      client.destroy();
    }
    assert.equal(readFileSync(victim.file, 'utf8'), victim.content);
    assert.deepEqual(readFileSync(join(store.home, 'identity.age')), identity);
    assert.equal(existsSync(join(project, 'escape.env')) || existsSync(join(project, '..', 'escape.env')), false);
    assert.equal(await activeLeases('attack-raw'), 0, 'refused before any lease');
    const audited = (await store.cli(['audit', '--client', 'attack-raw'])).json.data.entries;
    assert.equal(audited.length, 0, `nothing was even asked: ${JSON.stringify(audited)}`);
  });

  test('--force over a hard link to the identity replaces the link, never writes into the identity', async () => {
    const project = newProject('attack-hardlink');
    const planted = join(project, '.env');
    linkSync(join(store.home, 'identity.age'), planted);
    const result = await store.cli(['env', '--force'], { cwd: project });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readFileSync(join(store.home, 'identity.age')), identity);
    assert.equal(statSync(join(store.home, 'identity.age')).nlink, 1, 'the link in the project was replaced, not written through');
    assert.match(readFileSync(planted, 'utf8'), new RegExp(`^TOKEN='${VALUE}'$`, 'm'));
    assert.equal((await store.cli(['revoke', '--client', 'attack-hardlink'])).code, 0);
    assert.ok(await waitUntil(() => !existsSync(planted)), 'its own file is deleted');
    assert.deepEqual(readFileSync(join(store.home, 'identity.age')), identity);
  });
});

describe('what the daemon deletes when the lease ends', () => {
  test('the env directory swapped for a symlink: the file it points to is left alone', async () => {
    const project = newProject('attack-swap');
    const sub = join(project, 'sub');
    mkdirSync(sub);
    assert.equal((await store.cli(['env', '--out', join(sub, '.env')], { cwd: project })).code, 0);
    const victim = bystander();
    renameSync(sub, `${sub}.real`);
    symlinkSync(victim.dir, sub);
    const logged = store.daemon!.stderr().length;
    assert.equal((await store.cli(['revoke', '--client', 'attack-swap'])).code, 0);
    assert.ok(await leftAlone(logged), 'the daemon handled the lease end');
    assert.equal(readFileSync(victim.file, 'utf8'), victim.content);
  });

  test('the project directory itself swapped for a symlink (an earlier path component): left alone', async () => {
    const project = newProject('attack-parent');
    mkdirSync(join(project, 'sub'));
    assert.equal((await store.cli(['env', '--out', join(project, 'sub', '.env')], { cwd: project })).code, 0);
    const victim = mkdtempSync(join(tmpdir(), 'as-victim-'));
    scratch.push(victim, `${project}.real`);
    mkdirSync(join(victim, 'sub'));
    writeFileSync(join(victim, 'sub', '.env'), 'PERSON=1\n');
    renameSync(project, `${project}.real`);
    symlinkSync(victim, project);
    const logged = store.daemon!.stderr().length;
    assert.equal((await store.cli(['revoke', '--client', 'attack-parent'])).code, 0);
    assert.ok(await leftAlone(logged));
    assert.equal(readFileSync(join(victim, 'sub', '.env'), 'utf8'), 'PERSON=1\n');
    rmSync(project);
  });

  test('the file replaced by a symlink or a hard link to the person\'s file: neither is deleted', async () => {
    const project = newProject('attack-file');
    const viaSymlink = join(project, 'one.env');
    const viaHardlink = join(project, 'two.env');
    assert.equal((await store.cli(['env', '--out', viaSymlink], { cwd: project })).code, 0);
    assert.equal((await store.cli(['env', '--out', viaHardlink], { cwd: project })).code, 0);
    const victim = bystander('notes.txt');
    rmSync(viaSymlink);
    symlinkSync(victim.file, viaSymlink);
    rmSync(viaHardlink);
    linkSync(victim.file, viaHardlink);
    const logged = store.daemon!.stderr().length;
    assert.equal((await store.cli(['revoke', '--client', 'attack-file'])).code, 0);
    assert.ok(await waitUntil(() => (store.daemon!.stderr().slice(logged).match(/left an env file alone/g) ?? []).length >= 2));
    assert.equal(readFileSync(victim.file, 'utf8'), victim.content);
    assert.equal(statSync(victim.file).nlink, 2, 'the hard link in the project is still there too');
    assert.equal(readFileSync(viaSymlink, 'utf8'), victim.content);
  });

  test('after all of it the store still opens with its value, and the audit chain verifies', async () => {
    await store.daemon!.stop();
    await store.start();
    assert.deepEqual(readFileSync(join(store.home, 'identity.age')), identity);
    const lease = await store.cli(['lease', 'token', '--client-id', 'after-attacks']);
    assert.equal(lease.code, 0, lease.stderr);
    assert.equal(lease.stdout, VALUE);
    assert.equal((await store.cli(['audit', 'verify', '--json'])).json.data.ok, true);
  });
});
