/**
 * A `secrets serve` daemon already serving this data dir: the app finds it on the socket and, when
 * the person says so, stops it and waits until its process is gone (it closes its socket first and
 * lets go of the data dir's lock last). Which process to stop comes from the kernel (the socket
 * peer's credentials), never from what the listener says about itself: whatever holds the socket is
 * what gets the signal, so a process impersonating the daemon cannot point the app at a bystander.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { DaemonError } from '../../shared/errors.js';
import { createPeerVerifier } from '../daemon/callers/peer-identity.js';

const STOP_TIMEOUT_MS = 15_000;

// The main bundle is CommonJS (its own `require`); under the tests' ESM loader only import.meta works.
const requireHere: NodeJS.Require = typeof require === 'function' ? require : createRequire(import.meta.url);
const loadAddon = () => (requireHere('agent-secrets-peercred') as { peerCredentials: (fd: number) => { pid: number; uid: number } }).peerCredentials;

/** The pid of the process listening on `socketPath` (of this user), or null when nothing listens. */
export async function headlessDaemonPid(socketPath: string): Promise<number | null> {
  const socket = createConnection(socketPath);
  try {
    await once(socket, 'connect');
    const credentials = createPeerVerifier({ allowUnverified: false, load: loadAddon }).credentialsOf(socket);
    return credentials !== null && credentials.uid === process.getuid?.() ? credentials.pid : null;
  } catch {
    return null;
  } finally {
    socket.destroy();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** @throws DaemonError TIMEOUT when it is still running after the timeout. */
export async function stopHeadlessDaemon(socketPath: string, kill: (pid: number, signal: NodeJS.Signals) => void = process.kill): Promise<void> {
  const pid = await headlessDaemonPid(socketPath);
  if (pid === null) return;
  kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new DaemonError('TIMEOUT', `the headless daemon (pid ${pid}) did not stop`, `stop it yourself (kill ${pid}), then open the app again`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
