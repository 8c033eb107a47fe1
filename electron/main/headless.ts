/**
 * A `secrets serve` daemon already serving this data dir: the app finds it on the socket and, when
 * the person says so, stops it (SIGTERM to the pid its own `status` reports) and waits until its
 * socket no longer answers, so the app's daemon can take the data dir's lock.
 */
import { DaemonError } from '../../shared/errors.js';
import { RpcClient } from '../cli/rpc-client.js';

const STOP_TIMEOUT_MS = 15_000;

/** The pid of the daemon answering on `socketPath`, or null when none answers. */
export async function headlessDaemonPid(socketPath: string): Promise<number | null> {
  let client: RpcClient;
  try {
    client = await RpcClient.connect(socketPath);
  } catch {
    return null;
  }
  try {
    return (await client.call('status', {})).pid;
  } catch {
    return null;
  } finally {
    client.close();
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

/**
 * Waits for the process itself to be gone, not just its socket: it closes the socket first and lets go
 * of the data dir's lock last, when it exits.
 * @throws DaemonError TIMEOUT when it is still running after the timeout.
 */
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
