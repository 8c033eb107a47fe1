/**
 * Which socket the CLI talks to. The person's CLI talks to the socket in their data dir; an agent
 * that runs as its own user has no store of its own and finds its person's agent socket by itself,
 * the one under /run/agent-secrets/ it may reach. AGENT_SECRETS_SOCKET overrides both (a container).
 */
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_SOCKET_FILE, agentSocketRoot, defaultSocketPath } from '../../shared/locations.js';

type Env = Record<string, string | undefined>;

/**
 * The agent sockets of the people whose directory this user may enter (whether or not their daemon
 * runs now: then it is told to ask that person, not to start a daemon of its own).
 */
export function reachableAgentSockets(platform = process.platform, uid = process.getuid?.() ?? -1): string[] {
  // Root is never an agent (agents.uids refuses uid 0), and could enter every person's directory.
  if (uid === 0) return [];
  const root = agentSocketRoot(platform);
  let owners: string[];
  try {
    owners = readdirSync(root).sort();
  } catch {
    return [];
  }
  return owners
    .map((owner) => join(root, owner))
    .filter((dir) => {
      try {
        // The person's own directory is not theirs to use as an agent.
        if (statSync(dir).uid === uid) return false;
        accessSync(dir, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    })
    .map((dir) => join(dir, AGENT_SOCKET_FILE));
}

export function chooseSocket(dataDir: string, env: Env, platform = process.platform): string {
  const own = defaultSocketPath(dataDir, env, platform);
  if (env.AGENT_SECRETS_SOCKET || existsSync(dataDir)) return own;
  const agentSockets = reachableAgentSockets(platform);
  // Two people's agent at once must say which: guessing could hand one person's approvals to another's.
  return agentSockets.length === 1 ? agentSockets[0]! : own;
}

/** Is this the agent socket (agent rights only), by its file name? */
export function isAgentSocket(socketPath: string): boolean {
  return socketPath.endsWith(`/${AGENT_SOCKET_FILE}`);
}
