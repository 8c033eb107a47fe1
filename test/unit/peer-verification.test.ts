/**
 * Fail closed: a daemon that cannot read its callers' credentials refuses to start (unless told
 * loudly to serve unverified callers), and a connection whose process cannot be identified, or
 * changes program, is not served as the program it was.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { DaemonError } from '../../shared/errors.js';
import { createPeerVerifier } from '../../electron/daemon/callers/peer-identity.js';
import { ProcessWatch } from '../../electron/daemon/callers/process-watch.js';
import { waitUntil } from '../helpers/processes.js';
import { TestStore } from '../helpers/store.js';

const missingAddon = () => {
  throw new Error("Cannot find module 'agent-secrets-peercred'");
};

test('without the peer-credentials addon the verifier refuses to exist, unless unverified callers are allowed', () => {
  assert.throws(
    () => createPeerVerifier({ allowUnverified: false, load: missingAddon }),
    (error: unknown) => error instanceof DaemonError && error.code === 'DENIED' && /refusing to start: .*agent-secrets-peercred.* could not be loaded/.test(error.message) && /--allow-unverified-callers/.test(error.hint ?? ''),
  );
  const loose = createPeerVerifier({ allowUnverified: true, load: missingAddon });
  assert.match(loose.unavailable!, /could not be loaded/);
  assert.equal(loose.credentialsOf({} as never), null, 'unverified, and served as such');
  assert.deepEqual(loose.identify(null), { credentials: null, identity: null, watch: null });
});

test('credentials that cannot be read refuse the connection; a process that cannot be found too', () => {
  const failing = createPeerVerifier({
    allowUnverified: false,
    load: () => () => {
      throw new Error('EBADF');
    },
  });
  const socket = { _handle: { fd: 3 } } as never;
  assert.throws(() => failing.credentialsOf(socket), (e: unknown) => e instanceof DaemonError && e.code === 'DENIED' && /could not be read/.test(e.message));
  const pidless = createPeerVerifier({ allowUnverified: false, load: () => () => ({ pid: 0, uid: 0 }) });
  assert.throws(() => pidless.credentialsOf(socket), (e: unknown) => e instanceof DaemonError && e.code === 'DENIED' && /did not name its process/.test(e.message));
  const real = createPeerVerifier({ allowUnverified: false });
  assert.throws(() => real.identify({ pid: 2 ** 22 + 4321, uid: 0 }), (e: unknown) => e instanceof DaemonError && e.code === 'DENIED' && /is gone/.test(e.message));
});

test('identify takes the process as it is at accept, with its start time, and watches it', () => {
  const verifier = createPeerVerifier({ allowUnverified: false });
  const peer = verifier.identify({ pid: process.pid, uid: process.getuid!() });
  try {
    assert.equal(peer.identity!.pid, process.pid);
    assert.equal(peer.identity!.exe, process.execPath);
    assert.equal(typeof peer.identity!.start_time, 'number');
    assert.equal(peer.watch!.unchanged(), true);
  } finally {
    peer.watch?.close();
  }
});

test('a process watch notices an exec (same pid, same start time) and an exit', async (t) => {
  if (process.platform !== 'linux') return t.skip('reads /proc');
  const child = spawn('sh', ['-c', 'read line; exec sleep 30'], { stdio: ['pipe', 'ignore', 'ignore'] });
  try {
    await waitUntil(() => ProcessWatch.open(child.pid!)?.name === 'sh');
    const watch = ProcessWatch.open(child.pid!)!;
    assert.equal(watch.unchanged(), true);
    assert.equal(watch.unchanged(), true, 're-reading does not change it');
    child.stdin!.write('go\n');
    assert.ok(await waitUntil(() => ProcessWatch.open(child.pid!)?.name === 'sleep'), 'the shell exec\'d sleep');
    assert.equal(watch.unchanged(), false, 'the exec is noticed');
    const afterExec = ProcessWatch.open(child.pid!)!;
    assert.equal(afterExec.startTime, watch.startTime, 'an exec keeps the start time: the name and layout tell');
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    assert.equal(afterExec.unchanged(), false, 'an exit is noticed');
    watch.close();
    afterExec.close();
  } finally {
    child.kill('SIGKILL');
  }
});

test('startDaemon refuses to start without the addon, and leaves nothing held (the next start works)', async () => {
  const store = new TestStore({ insecure: true });
  try {
    await store.init();
    const { startDaemon } = await import('../../electron/daemon/daemon.js');
    const options = { dataDir: store.home, socketPath: store.socket };
    await assert.rejects(startDaemon({ ...options, loadPeerCredentials: missingAddon }), (e: unknown) => e instanceof DaemonError && e.code === 'DENIED');
    const running = await startDaemon({ ...options, loadPeerCredentials: missingAddon, allowUnverifiedCallers: true });
    try {
      const status = (await running.dispatch({ transport: 'ipc' }, 'status', {})) as { warnings: string[] };
      assert.ok(status.warnings.some((w) => /--allow-unverified-callers/.test(w)), JSON.stringify(status.warnings));
    } finally {
      await running.stop('test');
    }
    const verified = await startDaemon(options);
    try {
      const status = (await verified.dispatch({ transport: 'ipc' }, 'status', {})) as { warnings: string[] };
      assert.ok(!status.warnings.some((w) => /unverified/.test(w)));
    } finally {
      await verified.stop('test');
    }
  } finally {
    await store.cleanup();
  }
});
