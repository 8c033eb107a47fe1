/**
 * The agent socket: where agents that run as their own OS user (or in a container) reach the daemon.
 * It is owned by the person, group `agents.group`, in a directory that group may traverse but not
 * write (so no agent can replace the socket), and only the agents' uids get past the accept.
 *
 * Anything wrong with it is reported (status, log) and leaves the person's own socket serving: a
 * missing agent socket costs agents their access, never the person theirs.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { defaultAgentSocketPath, socketPathProblem } from '../../../shared/locations.js';
import { isDaemonError } from '../../../shared/errors.js';
import type { Config } from '../config.js';
import { groupId } from '../callers/os-accounts.js';
import { agentsOnly } from './admission.js';
import { RpcServer, type RpcServerOptions } from './rpc-server.js';
import { claimSocketPath } from './socket-guard.js';

export interface AgentSocketState {
  path: string;
  serving: boolean;
  /** Why it is not serving (or serves fewer agents than configured), for `secrets status`. */
  problem: string | null;
}

const SETUP_HINT = 'run: sudo secrets agent-user add NAME';

/** Where it goes, and whether the person asked for it (`agents.socket`) or it is the default. */
export function agentSocketPath(config: Config, owner = userInfo().username, platform = process.platform): { path: string; explicit: boolean } {
  const configured = config.file.agents.socket;
  return configured === null ? { path: defaultAgentSocketPath(owner, platform), explicit: false } : { path: configured, explicit: true };
}

/** Why the directory is no place for the agent socket, or null when it is fit. */
function directoryProblem(dir: string, ownUid: number, explicit: boolean, gid: number | null): string | null | 'absent' {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return `cannot read ${dir}: ${(error as NodeJS.ErrnoException).code}`;
    if (!explicit) return 'absent';
    // Made by the person's config, laid out as `agent-user add` lays out the default one: the agents'
    // group may pass through (the person must be a member), and setgid gives the socket that group.
    // A directory it may not make (under /run as a person) is reported like any other problem.
    try {
      // Normalised, so the levels walked up are exactly the ones mkdir made (it answers the first).
      const target = resolve(dir);
      const firstMade = mkdirSync(target, { recursive: true, mode: 0o750 }) ?? target;
      for (let level = target; gid !== null && level.length >= firstMade.length; level = dirname(level)) {
        chownSync(level, ownUid, gid);
        chmodSync(level, 0o2750);
      }
      stat = lstatSync(dir);
    } catch (made) {
      return `cannot make ${dir}: ${(made as NodeJS.ErrnoException).code}; ${SETUP_HINT}, or set agents.socket in config.json to a path in a directory of yours`;
    }
  }
  if (!stat.isDirectory()) return `${dir} is not a directory`;
  if (stat.uid !== ownUid) return `${dir} belongs to uid ${stat.uid}, not to the daemon's user (${ownUid}); ${SETUP_HINT}`;
  if ((stat.mode & 0o022) !== 0) return `${dir} is writable by its group or others, so an agent could replace the socket; chmod go-w ${dir}`;
  return null;
}

/**
 * Serves the agent socket if one is configured (or its default directory exists).
 * @returns null when there is none to serve; else its state and, when serving, its server.
 */
export async function openAgentSocket(
  config: Config,
  server: Omit<RpcServerOptions, 'admission' | 'transport'>,
  ownUid = process.getuid?.() ?? -1,
): Promise<{ state: AgentSocketState; server: RpcServer | null } | null> {
  const { path, explicit } = agentSocketPath(config);
  const notServing = (problem: string) => ({ state: { path, serving: false, problem }, server: null });
  const tooLong = socketPathProblem(path);
  if (tooLong !== null) return notServing(`${tooLong.message}; ${tooLong.hint.replace('AGENT_SECRETS_SOCKET', 'agents.socket in config.json')}`);
  const { group, uids } = config.file.agents;
  const gid = groupId(group);
  const dirProblem = directoryProblem(dirname(path), ownUid, explicit, gid);
  if (dirProblem === 'absent') return null;
  if (dirProblem !== null) return notServing(dirProblem);

  if (gid === null && uids.length === 0) return notServing(`there is no group ${group} and agents.uids is empty, so no agent could connect; ${SETUP_HINT}`);
  try {
    await claimSocketPath(path);
  } catch (error) {
    return notServing(isDaemonError(error) ? error.message : String(error));
  }
  const rpc = new RpcServer({ ...server, transport: 'agent-socket', admission: agentsOnly({ uids, gid, group }) });
  // Made 0600, then opened to exactly who may connect: nobody else gets a moment in between.
  const previousMask = process.umask(0o177);
  try {
    await rpc.listen(path);
  } finally {
    process.umask(previousMask);
  }
  try {
    // In a setgid directory the socket has the group already; chown covers a person in the group.
    if (gid !== null && lstatSync(path).gid !== gid) chownSync(path, ownUid, gid);
    // Listed uids need not hold the group (a container's): the accept, not the mode, keeps others out;
    // the directory keeps the host's other users from reaching it at all.
    chmodSync(path, uids.length > 0 ? 0o666 : 0o660);
  } catch (error) {
    await rpc.close();
    rmSync(path, { force: true });
    return notServing(`cannot give ${path} the group ${group} (${(error as NodeJS.ErrnoException).code}): the directory should be setgid with that group; ${SETUP_HINT}`);
  }
  return { state: { path, serving: true, problem: null }, server: rpc };
}
