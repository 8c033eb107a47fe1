import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { ENVIRONMENT_UNREADABLE, findLauncher as findLauncherIn, interpreterScript, launcherKey } from '../../electron/daemon/callers/launcher.js';
import { parseEnviron, readProcessEnvironment } from '../../electron/daemon/callers/launcher-environment.js';
import { type ProcessInfo, processChain, processInfo } from '../../electron/daemon/callers/process-tree.js';

let nextPid = 100;
const proc = (exe: string, argv: string[], cwd = '/home/me/project'): ProcessInfo => ({ pid: nextPid++, ppid: 0, pgrp: 0, startTime: 0, name: exe.split('/').pop()!, exe, cwd, argv });

/** The fake pids are not real processes: their environment is what a test says, else empty. */
const findLauncher = (chain: ProcessInfo[], env: Record<string, string> | null = {}) => findLauncherIn(chain, () => (env === null ? null : new Map(Object.entries(env))));
const keyOf = (exe: string, argv: string[], env: Record<string, string> | null = {}, cwd = '/home/me/project') => launcherKey(findLauncher([secretsCli, proc(exe, argv, cwd)], env));

const secretsCli = proc('/usr/bin/node', ['node', '/usr/lib/node_modules/agent-secrets/bin/secrets', 'lease', 'x']);
const shell = proc('/usr/bin/bash', ['bash', '-c', 'secrets lease x']);

test('the launcher skips the secrets CLI, shells and wrappers', () => {
  const claude = proc('/opt/claude/bin/claude', ['claude']);
  const launcher = findLauncher([secretsCli, shell, proc('/usr/bin/env', ['env', 'FOO=1', 'bash']), proc('/usr/bin/sudo', ['sudo', '-E', 'bash']), claude]);
  assert.deepEqual(launcher, { pid: claude.pid, exe: '/opt/claude/bin/claude', script: null, loads: [] });
  assert.equal(launcherKey(launcher), '/opt/claude/bin/claude');
});

test('for an interpreter the launcher is its executable plus the script it runs', () => {
  const agent = proc('/usr/bin/node', ['node', '--max-old-space-size=512', '--title', 'x', 'agents/run.mjs', '--task', 'x']);
  assert.equal(launcherKey(findLauncher([secretsCli, shell, agent])), '/usr/bin/node /home/me/project/agents/run.mjs');
  const python = proc('/usr/bin/python3.11', ['python3', '-u', '-m', 'aider', '--yes']);
  assert.equal(launcherKey(findLauncher([secretsCli, python])), '/usr/bin/python3.11 -m aider');
  const deno = proc('/home/me/.deno/bin/deno', ['deno', 'run', '-A', '/srv/agent.ts']);
  assert.equal(launcherKey(findLauncher([deno])), '/home/me/.deno/bin/deno /srv/agent.ts');
  assert.equal(interpreterScript(proc('/usr/bin/node', ['node', '-e', 'code'])), '-e code', 'inline code is the script');
});

test('two Node agents with the same client id have different launchers', () => {
  const a = findLauncher([secretsCli, proc('/usr/bin/node', ['node', '/srv/agent-a.js'])]);
  const b = findLauncher([secretsCli, proc('/usr/bin/node', ['node', '/srv/agent-b.js'])]);
  assert.notEqual(launcherKey(a), launcherKey(b));
});

test('a chain of only shells and the CLI has no launcher', () => {
  assert.equal(findLauncher([secretsCli, shell]), null);
  assert.equal(launcherKey(null), 'unknown');
});

const NODE = '/usr/bin/node';
const BOT = '/usr/bin/node /srv/bot.js';

test('node options that load other code are part of the key, in each spelling, paths made absolute', () => {
  const cases: [string[], string][] = [
    [['node', '--require', 'evil.js', '/srv/bot.js'], `${BOT} [--require evil.js (from /home/me/project)]`],
    [['node', '--require', './evil.js', '/srv/bot.js'], `${BOT} [--require /home/me/project/evil.js]`],
    [['node', '--require=../evil.js', '/srv/bot.js'], `${BOT} [--require /home/me/evil.js]`],
    [['node', '-r', './evil.js', '/srv/bot.js'], `${BOT} [-r /home/me/project/evil.js]`],
    [['node', '-r', 'dotenv/config', '/srv/bot.js'], `${BOT} [-r dotenv/config (from /home/me/project)]`],
    [['node', '--import', 'tsx', '/srv/bot.js'], `${BOT} [--import tsx (from /home/me/project)]`],
    [['node', '--import=file:///tmp/e.mjs', '/srv/bot.js'], `${BOT} [--import file:///tmp/e.mjs]`],
    [['node', '--import', '@scope/hook', '/srv/bot.js'], `${BOT} [--import @scope/hook (from /home/me/project)]`],
    [['node', '--loader', '/tmp/l.mjs', '/srv/bot.js'], `${BOT} [--loader /tmp/l.mjs]`],
    [['node', '--experimental-loader=/tmp/l.mjs', '/srv/bot.js'], `${BOT} [--experimental-loader /tmp/l.mjs]`],
    [['node', '--inspect', '/srv/bot.js'], `${BOT} [--inspect]`],
    [['node', '--inspect=0.0.0.0:9229', '/srv/bot.js'], `${BOT} [--inspect 0.0.0.0:9229]`],
    [['node', '--inspect-brk', '/srv/bot.js'], `${BOT} [--inspect-brk]`],
    [['node', '--inspect-wait', '/srv/bot.js'], `${BOT} [--inspect-wait]`],
    [['node', '--env-file', '.env', '/srv/bot.js'], `${BOT} [--env-file /home/me/project/.env]`],
    [['node', '-r', './a.js', '--import', '/b.mjs', '/srv/bot.js'], `${BOT} [-r /home/me/project/a.js] [--import /b.mjs]`],
  ];
  for (const [argv, key] of cases) assert.equal(keyOf(NODE, argv), key, argv.join(' '));
  // Harmless options keep the key a grant was made for.
  assert.equal(keyOf(NODE, ['node', '-C', 'development', '--conditions=x', '--enable-source-maps', '/srv/bot.js']), BOT);
});

test('bun --preload and deno --import-map are part of the key; their subcommands are not the script', () => {
  assert.equal(keyOf('/usr/bin/bun', ['bun', '--preload', './p.ts', 'run', '/srv/bot.ts']), '/usr/bin/bun /srv/bot.ts [--preload /home/me/project/p.ts]');
  assert.equal(keyOf('/usr/bin/deno', ['deno', 'run', '--import-map=/tmp/m.json', '-A', '/srv/bot.ts']), '/usr/bin/deno /srv/bot.ts [--import-map /tmp/m.json]');
  assert.equal(keyOf('/usr/bin/deno', ['deno', 'run', '-A', '/srv/bot.ts']), '/usr/bin/deno /srv/bot.ts');
});

test('inline code is the script, with the code itself: two programs run with -e are different launchers', () => {
  assert.equal(keyOf(NODE, ['node', '-e', 'console.log(1)']), '/usr/bin/node -e "console.log(1)"');
  assert.equal(keyOf(NODE, ['node', '--eval=x()']), '/usr/bin/node --eval "x()"');
  assert.equal(keyOf(NODE, ['node', '-p', '1+1']), '/usr/bin/node -p 1+1');
  assert.notEqual(keyOf(NODE, ['node', '-e', 'good()']), keyOf(NODE, ['node', '-e', 'evil()']));
  const long = keyOf(NODE, ['node', '-e', `${'x'.repeat(200)}`]);
  assert.match(long, /^\/usr\/bin\/node -e "x{80}"…sha256:[0-9a-f]{16}$/, 'long code is cut and identified by its hash');
  assert.equal(keyOf('/usr/bin/python3', ['python3', '-c', 'import os']), '/usr/bin/python3 -c "import os"');
  assert.equal(keyOf('/usr/bin/python3', ['python3', '-Bc', 'import os']), '/usr/bin/python3 -c "import os"', 'combined short options');
  assert.equal(keyOf('/usr/bin/ruby', ['ruby', '-e', 'puts 1']), '/usr/bin/ruby -e "puts 1"');
  assert.equal(keyOf('/usr/bin/perl', ['perl', '-E', 'say 1']), '/usr/bin/perl -E "say 1"');
});

test('python -i, ruby -r/-I and perl -M/-I/-m/-d are part of the key, joined or separate', () => {
  assert.equal(keyOf('/usr/bin/python3', ['python3', '-u', '-m', 'aider']), '/usr/bin/python3 -m aider');
  assert.equal(keyOf('/usr/bin/python3', ['python3', '-i', 'bot.py']), '/usr/bin/python3 /home/me/project/bot.py [-i]');
  assert.equal(keyOf('/usr/bin/python3', ['python3', '-Wignore', '-X', 'dev', 'bot.py']), '/usr/bin/python3 /home/me/project/bot.py');
  assert.equal(keyOf('/usr/bin/ruby', ['ruby', '-rjson', '-I', 'lib', 'bot.rb']), '/usr/bin/ruby /home/me/project/bot.rb [-r json] [-I /home/me/project/lib]');
  assert.equal(keyOf('/usr/bin/ruby', ['ruby', '-r', './evil.rb', 'bot.rb']), '/usr/bin/ruby /home/me/project/bot.rb [-r /home/me/project/evil.rb]');
  assert.equal(keyOf('/usr/bin/ruby', ['ruby', '-W:no-deprecated', 'bot.rb']), '/usr/bin/ruby /home/me/project/bot.rb', 'a warning level is harmless');
  assert.equal(keyOf('/usr/bin/perl', ['perl', '-MEvil', '-I/tmp/lib', 'bot.pl']), '/usr/bin/perl /home/me/project/bot.pl [-M Evil] [-I /tmp/lib]');
  assert.equal(keyOf('/usr/bin/perl', ['perl', '-m', 'Evil', '-d:Trace', 'bot.pl']), '/usr/bin/perl /home/me/project/bot.pl [-m Evil] [-d:Trace]');
  assert.equal(keyOf('/usr/bin/perl', ['perl', '-w', '-i.bak', 'bot.pl']), '/usr/bin/perl /home/me/project/bot.pl');
});

test('NODE_OPTIONS counts only for what it loads: harmless settings keep the key', () => {
  assert.equal(keyOf(NODE, ['node', '/srv/bot.js'], { NODE_OPTIONS: '--require=evil.js' }), `${BOT} [NODE_OPTIONS=--require evil.js (from /home/me/project)]`);
  assert.equal(keyOf(NODE, ['node', '/srv/bot.js'], { NODE_OPTIONS: '--require=./evil.js' }), `${BOT} [NODE_OPTIONS=--require /home/me/project/evil.js]`);
  assert.equal(keyOf(NODE, ['node', '/srv/bot.js'], { NODE_OPTIONS: '--max-old-space-size=4096 -r /tmp/e.js --import "/tmp/with space.mjs"' }), `${BOT} [NODE_OPTIONS=-r /tmp/e.js --import "/tmp/with space.mjs"]`);
  assert.equal(keyOf(NODE, ['node', '/srv/bot.js'], { NODE_OPTIONS: '--max-old-space-size=4096 --enable-source-maps' }), BOT);
  assert.equal(keyOf(NODE, ['node', '/srv/bot.js'], { NODE_OPTIONS: '--inspect' }), `${BOT} [NODE_OPTIONS=--inspect]`);
  assert.equal(keyOf(NODE, ['node', '/srv/bot.js'], { NODE_OPTIONS: 'stray --require x.js' }), `${BOT} [NODE_OPTIONS="stray --require x.js"]`, 'what is not understood is shown whole');
  assert.equal(keyOf(NODE, ['node', '/srv/bot.js'], { NODE_PATH: 'lib:/opt/mods' }), `${BOT} [NODE_PATH=/home/me/project/lib:/opt/mods]`);
});

test('interpreter environment that loads code is part of the key, for its own interpreter only', () => {
  const py = (env: Record<string, string>) => keyOf('/usr/bin/python3', ['python3', '/srv/bot.py'], env);
  assert.equal(py({ PYTHONSTARTUP: 's.py' }), '/usr/bin/python3 /srv/bot.py [PYTHONSTARTUP=/home/me/project/s.py]');
  assert.equal(py({ PYTHONPATH: '/tmp/evil:lib' }), '/usr/bin/python3 /srv/bot.py [PYTHONPATH=/tmp/evil:/home/me/project/lib]');
  assert.equal(py({ PYTHONHOME: '/tmp/py' }), '/usr/bin/python3 /srv/bot.py [PYTHONHOME=/tmp/py]');
  assert.equal(py({ PYTHONINSPECT: '1' }), '/usr/bin/python3 /srv/bot.py [PYTHONINSPECT=1]');
  assert.equal(py({ PYTHONUNBUFFERED: '1', NODE_OPTIONS: '--require=/tmp/e.js' }), '/usr/bin/python3 /srv/bot.py', 'other variables, and other interpreters’ ones, do not count');
  const rb = (env: Record<string, string>) => keyOf('/usr/bin/ruby', ['ruby', '/srv/bot.rb'], env);
  assert.equal(rb({ RUBYOPT: '-rjson' }), '/usr/bin/ruby /srv/bot.rb [RUBYOPT=-r json]');
  assert.equal(rb({ RUBYOPT: 'rubygems' }), '/usr/bin/ruby /srv/bot.rb [RUBYOPT=-r ubygems]', 'a first word without its dash is an option');
  assert.equal(rb({ RUBYOPT: '-W0' }), '/usr/bin/ruby /srv/bot.rb');
  assert.equal(rb({ RUBYLIB: '/tmp/lib' }), '/usr/bin/ruby /srv/bot.rb [RUBYLIB=/tmp/lib]');
  const pl = (env: Record<string, string>) => keyOf('/usr/bin/perl', ['perl', '/srv/bot.pl'], env);
  assert.equal(pl({ PERL5OPT: '-MEvil' }), '/usr/bin/perl /srv/bot.pl [PERL5OPT=-M Evil]');
  assert.equal(pl({ PERL5LIB: '/tmp/lib', PERLLIB: '/tmp/old' }), '/usr/bin/perl /srv/bot.pl [PERL5LIB=/tmp/lib] [PERLLIB=/tmp/old]');
});

test('loader variables count for every launcher, interpreter or not', () => {
  assert.equal(keyOf('/opt/claude/bin/claude', ['claude'], { LD_PRELOAD: './evil.so' }), '/opt/claude/bin/claude [LD_PRELOAD=/home/me/project/evil.so]');
  assert.equal(keyOf('/opt/claude/bin/claude', ['claude'], { LD_PRELOAD: 'libfoo.so /tmp/x.so' }), '/opt/claude/bin/claude [LD_PRELOAD="libfoo.so /tmp/x.so"]', 'a bare library name is searched for, not a path');
  for (const name of ['LD_LIBRARY_PATH', 'LD_AUDIT', 'DYLD_INSERT_LIBRARIES', 'DYLD_LIBRARY_PATH']) {
    assert.equal(keyOf('/opt/claude/bin/claude', ['claude'], { [name]: '/tmp/x' }), `/opt/claude/bin/claude [${name}=/tmp/x]`);
  }
  assert.equal(keyOf(NODE, ['node', '/srv/bot.js'], { LD_PRELOAD: '/tmp/x.so', NODE_OPTIONS: '-r /tmp/e.js' }), `${BOT} [NODE_OPTIONS=-r /tmp/e.js] [LD_PRELOAD=/tmp/x.so]`);
  assert.equal(keyOf(NODE, ['node', '/srv/bot.js'], { LD_PRELOAD: '' }), BOT, 'an empty value loads nothing');
});

test('an environment that cannot be read is named in the key, not taken as empty', () => {
  assert.equal(keyOf(NODE, ['node', '/srv/bot.js'], null), `${BOT} [${ENVIRONMENT_UNREADABLE}]`);
});

test('a launcher with none of these keeps exactly the key grants were made for', () => {
  assert.equal(keyOf(NODE, ['node', '/srv/bot.js'], { PATH: '/usr/bin', HOME: '/home/me', NODE_EXTRA_CA_CERTS: '/etc/ca.pem', GITHUB_TOKEN: 'ghp_x' }), BOT);
  assert.equal(keyOf('/opt/claude/bin/claude', ['claude', '--resume'], { PATH: '/usr/bin' }), '/opt/claude/bin/claude');
});

test('a very long list of loads keeps the key within what `clients allow --launcher` takes', () => {
  const argv = ['node', ...Array.from({ length: 200 }, (_, i) => `--require=/tmp/preload-number-${i}.js`), '/srv/bot.js'];
  const key = keyOf(NODE, argv);
  assert.ok(key.length <= 4096, `${key.length} characters`);
  assert.ok(key.startsWith(`${BOT} [`));
  assert.notEqual(key, keyOf(NODE, argv.map((a) => a.replace('number-7.', 'number-x.'))), 'still distinct');
});

test('the environment is read from /proc/<pid>/environ, first definition wins', async () => {
  assert.deepEqual([...parseEnviron(Buffer.from('A=1\0B=x=y\0A=2\0junk\0'))], [['A', '1'], ['B', 'x=y']]);
  const child = spawn('sleep', ['5'], { stdio: 'ignore', env: { PATH: process.env.PATH, NODE_OPTIONS: '--require=/tmp/e.js', LD_PRELOAD: '' } });
  try {
    let env: Map<string, string> | null = null;
    for (let i = 0; i < 100 && !env?.has('NODE_OPTIONS'); i++) {
      env = readProcessEnvironment(child.pid!);
      if (!env?.has('NODE_OPTIONS')) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(env?.get('NODE_OPTIONS'), '--require=/tmp/e.js');
  } finally {
    child.kill();
  }
  assert.equal(readProcessEnvironment(2 ** 22 + 12345), null, 'a pid that does not exist');
});

test('processInfo and processChain read a real process and its parents', async () => {
  const child = spawn('sh', ['-c', 'sleep 5; true'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 100));
    const info = processInfo(child.pid!)!;
    assert.equal(info.ppid, process.pid);
    assert.deepEqual(info.argv, ['sh', '-c', 'sleep 5; true']);
    assert.match(info.exe ?? '', /sh$/);
    assert.equal(info.cwd, process.cwd());
    const chain = processChain(child.pid!);
    assert.equal(chain[0]!.pid, child.pid);
    assert.equal(chain[1]!.pid, process.pid);
    assert.equal(chain[1]!.exe, process.execPath);
  } finally {
    child.kill();
  }
  assert.equal(processInfo(2 ** 22 + 12345), null, 'a pid that does not exist');
});
