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
import type { VerifiedCallerT } from '../../../shared/records.js';
import { type Launcher, findLauncher, launcherKey, otherUserLauncherKey } from './launcher.js';
import { userName } from './os-accounts.js';
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
  /** `exe` or `exe script`: what approvals are bound to (for another user: `user NAME (uid N): …`). */
  launcher_key: string;
  /** The name of `uid`, or null when it has none (a container's uid). */
  user: string | null;
  /** What could not be verified and why (a caller of another user), for the person; null: nothing. */
  limited: string | null;
}

/** Told to the person about a caller of another user: what the kernel lets the daemon see of it. */
export const OTHER_USER_LIMITS =
  'runs as another user: its user and pid are verified by the kernel, but its executable, working directory and environment are that user\'s to see, so the program named is what its command line says';

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
export function createPeerVerifier(options: { allowUnverified: boolean; load?: PeerCredLoader; proc?: string; ownUid?: number }): PeerVerifier {
  const { allowUnverified, proc = '/proc', ownUid = process.getuid?.() ?? -1 } = options;
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
        if (allowUnverified) return { credentials, identity: describePeer(credentials, null, proc, ownUid), watch: null };
        throw unverifiable(`process ${credentials.pid} is gone or /proc cannot be read`);
      }
      const identity = describePeer(credentials, watch.startTime, proc, ownUid);
      // An exec while the chain was being read would mix two programs into one identity.
      if (!watch.unchanged()) {
        watch.close();
        throw unverifiable(`process ${credentials.pid} changed while it was being identified`);
      }
      return { credentials, identity, watch };
    },
  };
}

const userNames = new Map<number, string | null>();

function cachedUserName(uid: number): string | null {
  if (!userNames.has(uid)) userNames.set(uid, userName(uid));
  return userNames.get(uid)!;
}

/**
 * A caller of another user is read as far as the kernel allows: its chain only as far as it runs as
 * that user, its environment not at all (see otherUserLauncherKey for why that is enough).
 */
export function describePeer(peer: PeerCredentials, startTime: number | null = null, proc = '/proc', ownUid = process.getuid?.() ?? -1): VerifiedIdentity {
  const otherUser = peer.uid !== ownUid;
  const [self, ...parents] = processChain(peer.pid, proc, otherUser ? peer.uid : undefined);
  const chain = self ? [self, ...parents] : [];
  const launcher = otherUser ? findLauncher(chain, () => new Map()) : findLauncher(chain, (pid) => readProcessEnvironment(pid, proc));
  const user = cachedUserName(peer.uid);
  return {
    uid: peer.uid,
    pid: peer.pid,
    start_time: startTime ?? self?.startTime ?? null,
    exe: self?.exe ?? null,
    cwd: self?.cwd ?? null,
    argv: self?.argv ?? [],
    parents: parents.map((p) => ({ pid: p.pid, exe: p.exe, argv: p.argv })),
    launcher,
    launcher_key: otherUser ? otherUserLauncherKey(peer.uid, user, launcher) : launcherKey(launcher),
    user,
    limited: otherUser ? OTHER_USER_LIMITS : null,
  };
}

/** What a person is shown about a caller (approval requests, terminal confirmations). */
export function verifiedCaller(identity: VerifiedIdentity): VerifiedCallerT {
  const { uid, user, limited, pid, exe, cwd, argv, parents, launcher_key } = identity;
  return { uid, user, limited, pid, exe, cwd, argv, parents, launcher: launcher_key };
}
