import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import { findLauncher, interpreterScript, launcherKey } from '../../electron/daemon/callers/launcher.js';
import { type ProcessInfo, processChain, processInfo } from '../../electron/daemon/callers/process-tree.js';

let nextPid = 100;
const proc = (exe: string, argv: string[], cwd = '/home/me/project'): ProcessInfo => ({ pid: nextPid++, ppid: 0, pgrp: 0, name: exe.split('/').pop()!, exe, cwd, argv });

const secretsCli = proc('/usr/bin/node', ['node', '/usr/lib/node_modules/agent-secrets/bin/secrets', 'lease', 'x']);
const shell = proc('/usr/bin/bash', ['bash', '-c', 'secrets lease x']);

test('the launcher skips the secrets CLI, shells and wrappers', () => {
  const claude = proc('/opt/claude/bin/claude', ['claude']);
  const launcher = findLauncher([secretsCli, shell, proc('/usr/bin/env', ['env', 'FOO=1', 'bash']), proc('/usr/bin/sudo', ['sudo', '-E', 'bash']), claude]);
  assert.deepEqual(launcher, { pid: claude.pid, exe: '/opt/claude/bin/claude', script: null });
  assert.equal(launcherKey(launcher), '/opt/claude/bin/claude');
});

test('for an interpreter the launcher is its executable plus the script it runs', () => {
  const agent = proc('/usr/bin/node', ['node', '--import', 'tsx', '--max-old-space-size=512', 'agents/run.mjs', '--task', 'x']);
  assert.equal(launcherKey(findLauncher([secretsCli, shell, agent])), '/usr/bin/node /home/me/project/agents/run.mjs');
  const python = proc('/usr/bin/python3.11', ['python3', '-u', '-m', 'aider', '--yes']);
  assert.equal(launcherKey(findLauncher([secretsCli, python])), '/usr/bin/python3.11 -m aider');
  const deno = proc('/home/me/.deno/bin/deno', ['deno', 'run', '-A', '/srv/agent.ts']);
  assert.equal(launcherKey(findLauncher([deno])), '/home/me/.deno/bin/deno /srv/agent.ts');
  assert.equal(interpreterScript(proc('/usr/bin/node', ['node', '-e', 'code'])), '-e');
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
