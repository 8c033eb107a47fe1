/** Where the set-up of one person's agent socket lives on Linux; the socket itself is shared/locations.ts's. */
import { dirname } from 'node:path';
import { agentSocketRoot, defaultAgentSocketPath } from '../../../../shared/locations.js';

export interface AgentPaths {
  /** `/run/agent-secrets`: root's, so only root makes a person's directory in it. */
  root: string;
  /** `/run/agent-secrets/OWNER`: where the daemon creates the agent socket. */
  dir: string;
  socket: string;
  /** Remakes `dir` at boot: /run is a tmpfs. */
  tmpfiles: string;
}

export function agentPaths(owner: string): AgentPaths {
  const socket = defaultAgentSocketPath(owner, 'linux');
  return { root: agentSocketRoot('linux'), dir: dirname(socket), socket, tmpfiles: `/etc/tmpfiles.d/agent-secrets-${owner}.conf` };
}

/** Where useradd makes the agent's home (its own config: ~/.claude and the like). */
export const agentHome = (name: string) => `/home/${name}`;
