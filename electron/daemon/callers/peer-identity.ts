/**
 * What the daemon can verify about a socket client, as opposed to what it says about itself: the
 * kernel's peer credentials (uid, pid), then that process's executable, working directory, command
 * line, its parent chain and the launcher found in it. Taken once, when the connection is accepted,
 * and tied to that process by a watch the server re-checks on every request: a connection cannot
 * borrow the identity of whatever its pid runs later.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { DaemonError } from '../../../shared/errors.js';
import { type Launcher, findLauncher, launcherKey } from './launcher.js';
import { readProcessEnvironment } from './launcher-environment.js';
import { processChain } from './process-tree.js';
import { ProcessWatch } from './process-watch.js';

export interface PeerCredentials {
  pid: number;
  uid: number;
}

export interface VerifiedIdentity {
  uid: number;
  pid: number;
  /** The process's start time (clock ticks after boot) when it was identified; null if unknown. */
  start_time?: number | null;
  exe: string | null;
  cwd: string | null;
  argv: string[];
  /** Ancestors, nearest first (the process itself excluded). */
  parents: { pid: number; exe: string | null; argv: string[] }[];
  launcher: Launcher | null;
  /** `exe` or `exe script`: what approvals are bound to. */
  launcher_key: string;
}

/** Reads the kernel's credentials for the peer of a connected Unix socket; throws when it cannot. */
export type PeerCredReader = (fd: number) => PeerCredentials;
/** Loads the native addon (`agent-secrets-peercred`); throws when it is missing or does not load. */
export type PeerCredLoader = () => PeerCredReader;

export const loadPeerCredAddon: PeerCredLoader = () =>
  (createRequire(import.meta.url)('agent-secrets-peercred') as { peerCredentials: PeerCredReader }).peerCredentials;

/** A connection's caller as identified at accept; `watch` is null only for unverified callers. */
export interface AcceptedPeer {
  credentials: PeerCredentials | null;
  identity: VerifiedIdentity | null;
  watch: ProcessWatch | null;
}

export interface PeerVerifier {
  /** True when started with --allow-unverified-callers: callers that cannot be verified are served. */
  readonly allowUnverified: boolean;
  /** Why callers cannot be verified at all (the addon did not load), or null when they can. */
  readonly unavailable: string | null;
  /**
   * The kernel's credentials for the socket's peer, or null when they cannot be read and unverified
   * callers are allowed.
   * @throws DaemonError DENIED when they cannot be read (or name no process) and unverified callers are not allowed.
   */
  credentialsOf(socket: Socket): PeerCredentials | null;
  /**
   * Identifies the process behind the credentials and starts watching it.
   * @throws DaemonError DENIED when it is gone, cannot be read, or changed while being identified
   * (unless unverified callers are allowed: then it is served as unverified).
   */
  identify(credentials: PeerCredentials | null): AcceptedPeer;
}

const unverifiable = (what: string) =>
  new DaemonError('DENIED', `the daemon could not verify the connecting process (${what}); the connection is refused`, 'connect from a process of the daemon\'s own user on this machine, and reconnect');

/**
 * @throws DaemonError DENIED when the addon cannot be loaded and `allowUnverified` is false: a daemon
 * that cannot tell its callers apart must not start, since approvals are bound to who calls.
 */
export function createPeerVerifier(options: { allowUnverified: boolean; load?: PeerCredLoader; proc?: string }): PeerVerifier {
  const { allowUnverified, proc = '/proc' } = options;
  let reader: PeerCredReader | null = null;
  let unavailable: string | null = null;
  try {
    reader = (options.load ?? loadPeerCredAddon)();
    if (typeof reader !== 'function') throw new Error('the addon does not export peerCredentials');
  } catch (error) {
    reader = null;
    unavailable = `the peer-credentials addon (agent-secrets-peercred) could not be loaded: ${(error as Error).message.split('\n')[0]}`;
    if (!allowUnverified) {
      throw new DaemonError(
        'DENIED',
        `refusing to start: ${unavailable}, so callers cannot be verified`,
        'reinstall or rebuild it (npm rebuild agent-secrets-peercred); or start with --allow-unverified-callers to serve unverified callers (any local process could then pass as any program)',
      );
    }
  }
  return {
    allowUnverified,
    unavailable,
    credentialsOf(socket) {
      const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
      let credentials: PeerCredentials | null = null;
      if (reader !== null && fd !== undefined && fd >= 0) {
        try {
          const { pid, uid } = reader(fd);
          credentials = { pid, uid };
        } catch {
          credentials = null;
        }
      }
      if (credentials !== null && credentials.pid > 0) return credentials;
      if (allowUnverified) return credentials;
      throw unverifiable(credentials === null ? 'its peer credentials could not be read' : 'the kernel did not name its process');
    },
    identify(credentials) {
      if (credentials === null || credentials.pid <= 0) return { credentials, identity: null, watch: null };
      const watch = ProcessWatch.open(credentials.pid, proc);
      if (watch === null) {
        if (allowUnverified) return { credentials, identity: describePeer(credentials, null, proc), watch: null };
        throw unverifiable(`process ${credentials.pid} is gone or /proc cannot be read`);
      }
      const identity = describePeer(credentials, watch.startTime, proc);
      // An exec while the chain was being read would mix two programs into one identity.
      if (!watch.unchanged()) {
        watch.close();
        throw unverifiable(`process ${credentials.pid} changed while it was being identified`);
      }
      return { credentials, identity, watch };
    },
  };
}

export function describePeer(peer: PeerCredentials, startTime: number | null = null, proc = '/proc'): VerifiedIdentity {
  const [self, ...parents] = processChain(peer.pid, proc);
  const launcher = findLauncher(self ? [self, ...parents] : [], (pid) => readProcessEnvironment(pid, proc));
  return {
    uid: peer.uid,
    pid: peer.pid,
    start_time: startTime ?? self?.startTime ?? null,
    exe: self?.exe ?? null,
    cwd: self?.cwd ?? null,
    argv: self?.argv ?? [],
    parents: parents.map((p) => ({ pid: p.pid, exe: p.exe, argv: p.argv })),
    launcher,
    launcher_key: launcherKey(launcher),
  };
}
