/**
 * One daemon per socket: a live daemon is never displaced, a stale socket file left by a dead one is
 * replaced.
 */
import { connect } from 'node:net';
import { lstatSync, unlinkSync } from 'node:fs';
import { DaemonError } from '../../../shared/errors.js';

/** Resolves true when something accepts connections on the path. */
export function isSocketLive(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const timer = setTimeout(() => (socket.destroy(), resolve(true)), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT' || error.code === 'ENOTSOCK') resolve(false);
      else reject(error);
    });
  });
}

/** @throws DaemonError DAEMON_ALREADY_RUNNING when a live daemon owns the socket. */
export async function claimSocketPath(path: string): Promise<void> {
  if (await isSocketLive(path)) {
    throw new DaemonError('DAEMON_ALREADY_RUNNING', `a daemon is already running on ${path}`, 'use it (secrets status), or stop it before starting another');
  }
  let stat;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // Only a socket is ours to replace: a typo in AGENT_SECRETS_SOCKET must not delete a file.
  if (!stat.isSocket()) {
    throw new DaemonError('USAGE', `${path} exists and is not a socket`, 'point AGENT_SECRETS_SOCKET at a free path; the file was left untouched');
  }
  unlinkSync(path);
}
