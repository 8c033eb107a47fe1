/**
 * Who may connect to a socket at all, decided from the kernel's peer credentials before a single
 * byte is read: the owner's socket takes only the daemon's own user; the agent socket only the uids
 * config.json lists and the members of the agents' group.
 */
import { DaemonError } from '../../../shared/errors.js';
import type { PeerCredentials } from '../callers/peer-identity.js';
import { processGroups } from '../callers/os-accounts.js';

/**
 * null credentials: they could not be read and the daemon was started to serve unverified callers.
 * @throws DaemonError DENIED when this peer may not connect.
 */
export type Admission = (credentials: PeerCredentials | null) => void;

export function sameUserOnly(ownUid: number): Admission {
  return (credentials) => {
    if (credentials === null || credentials.uid === ownUid) return;
    throw new DaemonError('DENIED', `connections from other users are refused (uid ${credentials.uid})`, 'run the secrets CLI as the user who runs the daemon');
  };
}

export interface AgentMembers {
  /** config.json `agents.uids`: these may connect whatever their groups (a container's uid, as the host sees it). */
  uids: readonly number[];
  /** The agents' group id, or null when the group does not exist. */
  gid: number | null;
  /** Its name, for the error. */
  group: string;
  proc?: string;
}

/** Groups are read from the connecting process itself, so what counts is what it holds now. */
export function agentsOnly(members: AgentMembers): Admission {
  const uids = new Set(members.uids);
  return (credentials) => {
    // An agent the daemon cannot identify is never served, whatever --allow-unverified-callers says.
    if (credentials === null) throw new DaemonError('DENIED', 'the agent socket serves only callers the kernel identifies', 'connect from a Linux process whose peer credentials can be read');
    if (uids.has(credentials.uid)) return;
    if (members.gid !== null && processGroups(credentials.pid, members.proc)?.has(members.gid) === true) return;
    throw new DaemonError(
      'DENIED',
      `uid ${credentials.uid} may not use the agent socket: it is neither listed in agents.uids nor in the group ${members.group}`,
      `the person runs: sudo secrets agent-user add NAME (for an agent user), or adds the uid to "agents.uids" in config.json`,
    );
  };
}
