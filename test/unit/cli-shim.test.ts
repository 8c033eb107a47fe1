import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type ShimFs, installShim, isOurShim, pathHint, shimScript, shimTarget } from '../../electron/main/cli-shim.js';
import { freshDirs } from '../helpers/temp-dirs.js';

/** A fresh directory per test. */
const fresh = freshDirs('cli-shim-');

/** A fake CLI that reports how it was run. The directory name needs quoting in sh. */
function fakeCli(dir: string): string {
  const cliDir = join(dir, "Agent Secrets's $HOME `resources`", 'cli');
  mkdirSync(cliDir, { recursive: true });
  const path = join(cliDir, 'cli.cjs');
  writeFileSync(path, 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), marker: process.env.FAKE_NODE_MARKER ?? null }));\n');
  return path;
}

/** A `node` that claims `version` and otherwise runs the real Node, marking that it did. */
function fakeNode(dir: string, version: string): string {
  const bin = join(dir, `node-${version}`);
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'node'),
    `#!/bin/sh\nif [ "$1" = "-p" ]; then echo '${version}'; exit 0; fi\nFAKE_NODE_MARKER=${version} exec '${process.execPath}' "$@"\n`,
    { mode: 0o755 },
  );
  return bin;
}

function runShim(shim: string, args: string[], PATH: string, extraEnv: Record<string, string> = {}) {
  const r = spawnSync('/bin/sh', [shim, ...args], { env: { PATH, ...extraEnv }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli shim: where it goes', () => {
  test('Linux and other Unixes: ~/.local/bin; macOS: /usr/local/bin; Windows: not yet', () => {
    assert.deepEqual(shimTarget('linux', '/home/ann'), { supported: true, dir: '/home/ann/.local/bin', path: '/home/ann/.local/bin/secrets' });
    assert.deepEqual(shimTarget('freebsd', '/home/ann'), { supported: true, dir: '/home/ann/.local/bin', path: '/home/ann/.local/bin/secrets' });
    assert.deepEqual(shimTarget('darwin', '/Users/ann'), { supported: true, dir: '/usr/local/bin', path: '/usr/local/bin/secrets' });
    const win = shimTarget('win32', 'C:\\Users\\ann');
    assert.equal(win.supported, false);
    assert.match(!win.supported ? win.reason : '', /not supported on Windows yet/);
  });
});

describe('cli shim: the script, run by sh', () => {
  test('with Node 20+ on PATH it execs node with the CLI and every argument unchanged', () => {
    const dir = fresh();
    const shim = join(dir, 'secrets');
    writeFileSync(shim, shimScript(fakeCli(dir)));
    const args = ['lease', 'github_token', 'a b', '', '$HOME', "it's", '--', '--human'];
    const r = runShim(shim, args, fakeNode(dir, '20.11.1'));
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { argv: args, marker: '20.11.1' });
    assert.equal(r.stderr, '');
  });

  test('a newer major works too, and AGENT_SECRETS_NODE picks a node off PATH', () => {
    const dir = fresh();
    const shim = join(dir, 'secrets');
    writeFileSync(shim, shimScript(fakeCli(dir)));
    assert.equal(JSON.parse(runShim(shim, ['status'], fakeNode(dir, '24.0.0')).stdout).marker, '24.0.0');
    const old = fakeNode(dir, '18.19.0');
    const good = fakeNode(dir, '22.3.0');
    const r = runShim(shim, ['status'], old, { AGENT_SECRETS_NODE: join(good, 'node') });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).marker, '22.3.0');
  });

  test('no node on PATH: exit 1, a JSON envelope on stdout (not a terminal), error and hint on stderr', () => {
    const dir = fresh();
    const shim = join(dir, 'secrets');
    writeFileSync(shim, shimScript(fakeCli(dir)));
    const r = runShim(shim, ['lease', 'x'], fresh());
    assert.equal(r.status, 1);
    const envelope = JSON.parse(r.stdout);
    assert.equal(envelope.ok, false);
    assert.match(envelope.error.message, /needs Node\.js 20 or later, and no node was found/);
    assert.match(envelope.error.hint, /install Node\.js 20 or later/);
    assert.deepEqual(envelope.next_actions, []);
    assert.match(r.stderr, /^secrets: error: .*no node was found on PATH\nsecrets: hint: install Node\.js 20/);
  });

  test('Node 18 on PATH: too old, says which version it found and what to install; --human keeps stdout empty', () => {
    const dir = fresh();
    const shim = join(dir, 'secrets');
    writeFileSync(shim, shimScript(fakeCli(dir)));
    const node18 = fakeNode(dir, '18.19.0');
    const r = runShim(shim, ['status'], node18);
    assert.equal(r.status, 1);
    assert.match(JSON.parse(r.stdout).error.message, /the node found on PATH is version 18/);
    const human = runShim(shim, ['status', '--human'], node18);
    assert.equal(human.status, 1);
    assert.equal(human.stdout, '');
    assert.match(human.stderr, /secrets: error: .*version 18\nsecrets: hint: install Node\.js 20 or later/);
    const afterSeparator = runShim(shim, ['exec', '--', 'tool', '--human'], node18);
    assert.ok(afterSeparator.stdout.startsWith('{'), "a child's --human after -- is not the shim's");
  });

  test('a node whose version cannot be read is refused, not run', () => {
    const dir = fresh();
    const shim = join(dir, 'secrets');
    writeFileSync(shim, shimScript(fakeCli(dir)));
    const r = runShim(shim, ['status', '--human'], fakeNode(dir, 'v20-nightly'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /could not read the version/);
  });

  test('the app moved away: says so instead of a Node stack trace', () => {
    const dir = fresh();
    const shim = join(dir, 'secrets');
    writeFileSync(shim, shimScript(join(dir, 'gone', 'cli.cjs')));
    const r = runShim(shim, ['status', '--human'], fakeNode(dir, '20.11.1'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bundled with Agent Secrets is gone[^\n]*\nsecrets: hint: open Agent Secrets/);
  });
});

describe('cli shim: install', () => {
  const realFs: ShimFs = fsp as unknown as ShimFs;

  test('installs an executable shim in ~/.local/bin that runs the CLI; on PATH: no hint', async () => {
    const home = fresh();
    const cliPath = fakeCli(home);
    const node = fakeNode(home, '20.11.1');
    const bin = join(home, '.local', 'bin');
    const result = await installShim({ platform: 'linux', home, cliPath, env: { PATH: `${node}:${bin}/` }, fs: realFs });
    assert.deepEqual(result, { ok: true, path: join(bin, 'secrets'), onPath: true, replaced: false });
    assert.equal(statSync(join(bin, 'secrets')).mode & 0o777, 0o755);
    // Run as a command (shebang and mode), the way a shell would.
    const r = spawnSync(join(bin, 'secrets'), ['list'], { env: { PATH: `${node}:${bin}` }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).argv, ['list']);
  });

  test('not on PATH: the exact profile line for the shell', async () => {
    const home = fresh();
    const result = await installShim({ platform: 'linux', home, cliPath: fakeCli(home), env: { PATH: '/usr/bin:/bin', SHELL: '/bin/bash' }, fs: realFs });
    assert.equal(result.ok && result.onPath, false);
    assert.deepEqual(result.ok && [result.hint, result.profile], ['export PATH="$HOME/.local/bin:$PATH"', '~/.bashrc']);
    assert.deepEqual(pathHint('/home/a/.local/bin', '/home/a', '/usr/bin/fish'), { hint: 'fish_add_path $HOME/.local/bin', profile: '~/.config/fish/config.fish' });
    assert.deepEqual(pathHint('/home/a/.local/bin', '/home/a', '/bin/zsh').profile, '~/.zshrc');
    assert.deepEqual(pathHint('/usr/local/bin', '/Users/a', undefined), { hint: 'export PATH="/usr/local/bin:$PATH"', profile: '~/.profile' });
  });

  test('replaces its own earlier shim (the app moved) and says another secrets earlier on PATH wins', async () => {
    const home = fresh();
    const bin = join(home, '.local', 'bin');
    const other = fresh();
    writeFileSync(join(other, 'secrets'), '#!/bin/sh\necho npm-installed\n', { mode: 0o755 });
    const env = { PATH: `${other}:${bin}` };
    await installShim({ platform: 'linux', home, cliPath: '/old/place/cli.cjs', env, fs: realFs });
    const again = await installShim({ platform: 'linux', home, cliPath: '/new/place/cli.cjs', env, fs: realFs });
    assert.deepEqual(again, { ok: true, path: join(bin, 'secrets'), onPath: true, replaced: true, shadowedBy: join(other, 'secrets') });
    assert.match(readFileSync(join(bin, 'secrets'), 'utf8'), /cli='\/new\/place\/cli\.cjs'/);
  });

  test('never overwrites a file that is not its shim, nor writes through a symlink', async () => {
    const home = fresh();
    const bin = join(home, '.local', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'secrets'), '#!/bin/sh\necho someone else\n');
    const refused = await installShim({ platform: 'linux', home, cliPath: '/x/cli.cjs', env: {}, fs: realFs });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.code, 'not-our-file');
    assert.equal(readFileSync(join(bin, 'secrets'), 'utf8'), '#!/bin/sh\necho someone else\n');

    const home2 = fresh();
    const bin2 = join(home2, '.local', 'bin');
    mkdirSync(bin2, { recursive: true });
    const pointee = join(home2, 'real-file');
    writeFileSync(pointee, shimScript('/x/cli.cjs'));
    symlinkSync(pointee, join(bin2, 'secrets'));
    const viaLink = await installShim({ platform: 'linux', home: home2, cliPath: '/y/cli.cjs', env: {}, fs: realFs });
    assert.equal(!viaLink.ok && viaLink.code, 'not-our-file');
    assert.equal(readFileSync(pointee, 'utf8'), shimScript('/x/cli.cjs'));
  });

  test('recognises its shim by its first two lines only', () => {
    assert.equal(isOurShim(shimScript('/a/cli.cjs')), true);
    assert.equal(isOurShim(`#!/bin/bash\n${shimScript('/a').split('\n')[1]}\n`), false);
    assert.equal(isOurShim('#!/bin/sh\necho hi # agent-secrets-shim 1\n'), false);
  });

  test('Windows: not supported, nothing written; macOS without rights on /usr/local/bin: a hint, not a crash', async () => {
    const untouched: ShimFs = new Proxy({} as ShimFs, { get: () => () => assert.fail('no fs call on Windows') });
    const win = await installShim({ platform: 'win32', home: 'C:\\Users\\a', cliPath: 'C:\\x\\cli.cjs', env: {}, fs: untouched });
    assert.equal(!win.ok && win.code, 'unsupported');

    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const lockedFs: ShimFs = {
      ...realFs,
      lstat: async () => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
      mkdir: async () => {
        throw denied;
      },
    };
    const mac = await installShim({ platform: 'darwin', home: '/Users/a', cliPath: '/Applications/x/cli.cjs', env: {}, fs: lockedFs });
    assert.equal(!mac.ok && mac.code, 'permission');
    assert.match(!mac.ok ? mac.hint ?? '' : '', /sudo mkdir -p \/usr\/local\/bin/);

    const brokenFs: ShimFs = { ...lockedFs, mkdir: async () => Promise.reject(Object.assign(new Error('disk on fire'), { code: 'EIO' })) };
    await assert.rejects(installShim({ platform: 'darwin', home: '/Users/a', cliPath: '/x', env: {}, fs: brokenFs }), /disk on fire/);
  });

  test('the mode is 0755 whatever the umask', async () => {
    const home = fresh();
    const old = process.umask(0o077);
    try {
      await installShim({ platform: 'linux', home, cliPath: '/x/cli.cjs', env: {}, fs: realFs });
    } finally {
      process.umask(old);
    }
    const path = join(home, '.local', 'bin', 'secrets');
    assert.equal(statSync(path).mode & 0o777, 0o755);
  });
});
