/**
 * Env files, below the socket: where the daemon may write (env-target), writing and deleting through
 * the open directory (anchored-dir) so a swap between check and use changes nothing, and deleting
 * only the very file it wrote (env-files). Each file-system test runs twice: through /proc/self/fd
 * (Linux) and with the path-checking fallback used elsewhere.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnchoredDir } from '../../electron/daemon/processes/anchored-dir.js';
import { EnvFiles } from '../../electron/daemon/processes/env-files.js';
import { checkEnvTarget } from '../../electron/daemon/processes/env-target.js';
import { writeEnvFile } from '../../electron/daemon/processes/env-writer.js';
import { DaemonError } from '../../shared/errors.js';
import { type TestCore, createTestCore } from '../helpers/core.js';

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof DaemonError, `not a DaemonError: ${String(error)}`);
    assert.equal(error.code, 'USAGE');
    assert.ok(error.hint, 'a refusal says what to do');
    return error.message;
  }
  assert.fail('expected a refusal');
}

let root: string;
let project: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'as-envunit-'));
  project = join(root, 'project');
  mkdirSync(join(project, 'sub'), { recursive: true });
  writeFileSync(join(project, '.secrets.json'), '{}');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('where env files may go', () => {
  test('inside the project that holds .secrets.json, in a real directory, outside the data dir', () => {
    const data = join(root, 'data');
    mkdirSync(data);
    assert.doesNotThrow(() => checkEnvTarget(join(project, '.env'), project, data));
    assert.doesNotThrow(() => checkEnvTarget(join(project, 'sub', 'x.env'), project, data));

    mkdirSync(join(root, 'empty'));
    symlinkSync(project, join(root, 'link'));
    symlinkSync(root, join(project, 'up'));
    assert.match(refusal(() => checkEnvTarget('.env', 'project', data)), /absolute/);
    assert.match(refusal(() => checkEnvTarget(join(root, 'link', '.env'), join(root, 'link'), data)), /through a symlink/);
    assert.match(refusal(() => checkEnvTarget(join(root, 'empty', '.env'), join(root, 'empty'), data)), /holds no \.secrets\.json/);
    assert.match(refusal(() => checkEnvTarget(join(root, 'outside.env'), project, data)), /outside the project/);
    assert.match(refusal(() => checkEnvTarget(`${project}-evil/.env`, project, data)), /outside the project/, 'a sibling sharing the prefix');
    assert.match(refusal(() => checkEnvTarget(`${project}/sub/../../x.env`, project, data)), /normalised/);
    assert.match(refusal(() => checkEnvTarget(join(project, 'up', '.env'), project, data)), /through a symlink/);
    assert.match(refusal(() => checkEnvTarget(join(project, '.secrets.json'), project, data)), /cannot be \.secrets\.json/);
    assert.match(refusal(() => checkEnvTarget(join(project, 'missing', '.env'), project, data)), /does not exist/);
    assert.match(refusal(() => checkEnvTarget(join(project, 'x'.repeat(201)), project, data)), /longer than/);
  });

  test('never in the data dir, even when it is inside the project or the project inside it', () => {
    const inside = join(project, 'store');
    mkdirSync(inside);
    assert.match(refusal(() => checkEnvTarget(join(inside, 'identity.age'), project, inside)), /inside the store's data dir/);
    writeFileSync(join(inside, '.secrets.json'), '{}');
    assert.match(refusal(() => checkEnvTarget(join(inside, 'identity.age'), inside, inside)), /inside the store's data dir/);
    symlinkSync(inside, join(root, 'data-link'));
    assert.match(refusal(() => checkEnvTarget(join(inside, 'x.env'), inside, join(root, 'data-link'))), /inside the store's data dir/, 'a data dir named through a symlink');
  });

  test('a .secrets.json that is a symlink does not make a project', () => {
    rmSync(join(project, '.secrets.json'));
    writeFileSync(join(root, 'elsewhere.json'), '{}');
    symlinkSync(join(root, 'elsewhere.json'), join(project, '.secrets.json'));
    assert.match(refusal(() => checkEnvTarget(join(project, '.env'), project, join(root, 'data'))), /not a regular file/);
  });
});

for (const viaProc of [true, false]) {
  describe(viaProc ? 'through /proc/self/fd' : 'with the path-checking fallback', () => {
    let t: TestCore;
    let files: EnvFiles;
    beforeEach(async () => {
      t = await createTestCore();
      files = new EnvFiles(t.core.db, t.clock, viaProc);
    });
    afterEach(() => t.dispose());

    const write = (path: string, force = false, leaseIds = ['L-1']) => writeEnvFile(path, 'TOKEN=x\n', { force, registry: files, leaseIds, viaProc });

    test('writes 0600, records the inode, overwrites its own file but nobody else\'s without force', () => {
      const path = join(project, '.env');
      const written = write(path);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(written.ino, String(statSync(path, { bigint: true }).ino));
      assert.equal(written.dir.real_path, project);
      assert.deepEqual(readdirSync(project).sort(), ['.env', '.secrets.json', 'sub'], 'no temporary file left');
      assert.doesNotThrow(() => write(path), 'its own file');
      rmSync(path);
      writeFileSync(path, 'MINE=1\n');
      assert.match(refusal(() => write(path)), /already exists/);
      assert.equal(readFileSync(path, 'utf8'), 'MINE=1\n');
      assert.doesNotThrow(() => write(path, true));
    });

    test('a symlink or a directory at the path is refused, also with force', () => {
      writeFileSync(join(root, 'victim'), 'keep');
      symlinkSync(join(root, 'victim'), join(project, '.env'));
      assert.match(refusal(() => write(join(project, '.env'), true)), /not a regular file/);
      assert.match(refusal(() => write(join(project, 'sub'), true)), /not a regular file/);
      assert.equal(readFileSync(join(root, 'victim'), 'utf8'), 'keep');
    });

    test('the directory swapped for a symlink after the checks: the write is refused, nothing lands in the target', () => {
      const sub = join(project, 'sub');
      const victim = join(root, 'victim');
      mkdirSync(victim);
      checkEnvTarget(join(sub, '.env'), project, join(root, 'data'));
      renameSync(sub, `${sub}.real`);
      symlinkSync(victim, sub);
      assert.match(refusal(() => write(join(sub, '.env'), true)), /symlink/);
      assert.deepEqual(readdirSync(victim), []);
    });

    test('an earlier component swapped for a symlink: refused too', () => {
      const victim = join(root, 'victim');
      mkdirSync(join(victim, 'sub'), { recursive: true });
      renameSync(project, `${project}.real`);
      symlinkSync(victim, project);
      assert.match(refusal(() => write(join(project, 'sub', '.env'), true)), /symlink/);
      assert.deepEqual(readdirSync(join(victim, 'sub')), []);
    });

    test('deletes the file it wrote; leaves a replaced file, a hard link to another, and a swapped directory alone', () => {
      const ours = join(project, 'ours.env');
      const replaced = join(project, 'replaced.env');
      const linked = join(project, 'linked.env');
      const inSub = join(project, 'sub', '.env');
      for (const path of [ours, replaced, linked, inSub]) write(path);
      const person = join(root, 'person.txt');
      writeFileSync(person, 'keep');
      rmSync(replaced);
      writeFileSync(replaced, 'NEW=1\n'); // likely the very inode number just freed
      rmSync(linked);
      linkSync(person, linked);
      renameSync(join(project, 'sub'), join(project, 'sub.real'));
      mkdirSync(join(root, 'decoy'));
      writeFileSync(join(root, 'decoy', '.env'), 'DECOY=1\n');
      symlinkSync(join(root, 'decoy'), join(project, 'sub'));

      assert.equal(files.deleteHolding('L-1'), 1);
      assert.equal(existsSync(ours), false);
      assert.equal(readFileSync(replaced, 'utf8'), 'NEW=1\n');
      assert.equal(readFileSync(linked, 'utf8'), 'keep');
      assert.equal(statSync(person).nlink, 2);
      assert.equal(readFileSync(join(root, 'decoy', '.env'), 'utf8'), 'DECOY=1\n');
      assert.deepEqual(files.list(), [], 'every registration handled is dropped');
    });

    test('a directory that is away for now keeps its registration until cleanup can reach it', () => {
      const path = join(project, 'sub', '.env');
      write(path);
      renameSync(join(project, 'sub'), join(root, 'away'));
      assert.equal(files.remove(path), 'unreachable');
      assert.deepEqual(files.list(), [path]);
      renameSync(join(root, 'away'), join(project, 'sub'));
      assert.equal(files.remove(path, true), 'deletable');
      assert.equal(files.remove(path), 'deleted');
      assert.equal(existsSync(path), false);
    });

    test('a directory replaced by another at the same path is not the one written in', () => {
      const path = join(project, 'sub', '.env');
      write(path);
      renameSync(join(project, 'sub'), join(root, 'old-sub'));
      mkdirSync(join(project, 'sub'));
      writeFileSync(path, 'OTHER=1\n');
      assert.equal(files.remove(path), 'left');
      assert.equal(readFileSync(path, 'utf8'), 'OTHER=1\n');
    });
  });
}

test('an anchored directory keeps writing where it was opened, whatever the path now names (Linux)', { skip: process.platform !== 'linux' }, () => {
  const sub = join(project, 'sub');
  const victim = join(root, 'victim');
  mkdirSync(victim);
  const anchor = AnchoredDir.open(sub, true);
  assert.ok(anchor.ok);
  try {
    renameSync(sub, `${sub}.real`);
    symlinkSync(victim, sub);
    writeFileSync(anchor.dir.entry('x'), 'through the descriptor');
  } finally {
    anchor.dir.close();
  }
  assert.deepEqual(readdirSync(victim), []);
  assert.equal(readFileSync(join(`${sub}.real`, 'x'), 'utf8'), 'through the descriptor');
});

test('the fallback notices the swap right before the step', () => {
  const sub = join(project, 'sub');
  const anchor = AnchoredDir.open(sub, false);
  assert.ok(anchor.ok);
  try {
    renameSync(sub, `${sub}.real`);
    symlinkSync(join(root), sub);
    assert.match(refusal(() => anchor.dir.entry('x')), /moved or replaced/);
  } finally {
    anchor.dir.close();
  }
});
