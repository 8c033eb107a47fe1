import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { headlessDaemonPid, stopHeadlessDaemon } from '../../electron/main/headless.js';

/** A process that listens on a socket and claims, when asked, to be someone else. */
const LIAR = `
const { createServer } = require('node:net');
createServer((s) => s.on('data', () => s.write(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { pid: 1 } }) + '\\n'))).listen(process.argv[1], () => console.log('listening'));
`;

test('the process to stop is the one the kernel says holds the socket, whatever it claims', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'as-headless-'));
  const socket = join(dir, 'daemon.sock');
  const liar = spawn(process.execPath, ['-e', LIAR, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve) => liar.stdout!.once('data', resolve));
    assert.equal(await headlessDaemonPid(socket), liar.pid, 'its own pid, not the pid 1 it reports');
    const signalled: number[] = [];
    const exited = new Promise((resolve) => liar.once('exit', resolve));
    await stopHeadlessDaemon(socket, (pid, signal) => {
      signalled.push(pid);
      process.kill(pid, signal);
    });
    await exited;
    assert.deepEqual(signalled, [liar.pid]);
    assert.equal(await headlessDaemonPid(socket), null, 'nothing listens any more');
  } finally {
    liar.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
