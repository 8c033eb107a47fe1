/**
 * What the daemon can verify about a socket client, as opposed to what it says about itself: the
 * kernel's peer credentials (uid, pid), then that process's executable, working directory, command
 * line, its parent chain and the launcher found in it.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { type Launcher, findLauncher, launcherKey } from './launcher.js';
import { createLogger } from '../logger.js';
import { processChain } from './process-tree.js';

const log = createLogger('identity');

export interface PeerCredentials {
  pid: number;
  uid: number;
}

export interface VerifiedIdentity {
  uid: number;
  pid: number;
  exe: string | null;
  cwd: string | null;
  argv: string[];
  /** Ancestors, nearest first (the process itself excluded). */
  parents: { pid: number; exe: string | null; argv: string[] }[];
  launcher: Launcher | null;
  /** `exe` or `exe script`: what approvals are bound to. */
  launcher_key: string;
}

type PeerCredReader = (fd: number) => PeerCredentials;

function loadAddon(): PeerCredReader | null {
  try {
    return (createRequire(import.meta.url)('agent-secrets-peercred') as { peerCredentials: PeerCredReader }).peerCredentials;
  } catch (error) {
    log.warn('peer credentials are unavailable: callers cannot be verified', { error: (error as Error).message });
    return null;
  }
}

let reader: PeerCredReader | null | undefined;

/** The kernel's credentials for the other end of a Unix socket; null when they cannot be read. */
export function peerCredentialsOf(socket: Socket): PeerCredentials | null {
  reader ??= loadAddon();
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (reader === null || fd === undefined || fd < 0) return null;
  try {
    const { pid, uid } = reader(fd);
    return { pid, uid };
  } catch {
    return null;
  }
}

export function describePeer(peer: PeerCredentials): VerifiedIdentity {
  const [self, ...parents] = processChain(peer.pid);
  const launcher = findLauncher(self ? [self, ...parents] : []);
  return {
    uid: peer.uid,
    pid: peer.pid,
    exe: self?.exe ?? null,
    cwd: self?.cwd ?? null,
    argv: self?.argv ?? [],
    parents: parents.map((p) => ({ pid: p.pid, exe: p.exe, argv: p.argv })),
    launcher,
    launcher_key: launcherKey(launcher),
  };
}
