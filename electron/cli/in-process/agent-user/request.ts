/**
 * What `secrets agent-user add|remove NAME` was asked, checked before anything on the system is read
 * or changed. The names end up in paths, in a tmpfiles.d line and in the argv of useradd, so only
 * plain user names pass; the refusals come in the order a person can act on them (wrong platform,
 * not root, whose agent it is).
 */
import { DaemonError } from '../../../../shared/errors.js';

export type AgentUserAction = 'add' | 'remove';

export interface AgentUserRequest {
  action: AgentUserAction;
  /** The agent's OS user. */
  name: string;
  /** The person whose daemon serves the agent socket. */
  owner: string;
  /** remove: delete the agent's home directory too. */
  removeHome: boolean;
}

/** A new system user: what useradd accepts on every distribution (no capitals, no dots). */
export const AGENT_NAME_PATTERN = /^[a-z_][a-z0-9_-]{0,30}$/;
/** An existing person: wider than an agent's name, but never `..`, a slash or whitespace. */
const OWNER_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

export const USAGE_LINE = 'agent-user add|remove NAME [--owner USER] [--remove-home]';

/** For messages: a name as given, quoted and cut, whatever bytes it holds. */
const quoted = (word: string) => JSON.stringify(word.slice(0, 40));

/**
 * The subcommand and the agent's name.
 * @throws DaemonError USAGE or INVALID_NAME.
 */
export function parseAction(positionals: readonly string[], removeHome: boolean): Omit<AgentUserRequest, 'owner'> {
  const [action, name = ''] = positionals;
  if (action !== 'add' && action !== 'remove') {
    throw new DaemonError('USAGE', `unknown agent-user subcommand ${quoted(String(action))}`, `usage: secrets ${USAGE_LINE}`);
  }
  if (removeHome && action === 'add') throw new DaemonError('USAGE', '--remove-home goes with agent-user remove', `usage: secrets ${USAGE_LINE}`);
  if (!AGENT_NAME_PATTERN.test(name)) {
    throw new DaemonError('INVALID_NAME', `${quoted(name)} is not a safe user name`, 'lower-case letters, digits, _ and -, starting with a letter or _, at most 31 characters (e.g. claude-agent)');
  }
  return { action, name, removeHome };
}

/**
 * Users and the socket directory are the system's: only root changes them, and only Linux is done here.
 * @throws DaemonError USAGE on another platform, DENIED when not root.
 */
export function requireLinuxRoot(platform: string, euid: number | undefined, asked: Pick<AgentUserRequest, 'action' | 'name'>): void {
  if (platform === 'darwin') {
    throw new DaemonError('USAGE', 'agent-user sets up Linux users; on macOS the same is done with dscl and dseditgroup', 'see the README section "Agents under their own user"');
  }
  if (platform !== 'linux') throw new DaemonError('USAGE', `agent-user is not supported on ${platform === 'win32' ? 'Windows' : platform}`, 'run agents as your own user there');
  if (euid !== 0) {
    throw new DaemonError('DENIED', `agent-user ${asked.action} creates and deletes OS users: it needs root`, `the person runs: sudo secrets agent-user ${asked.action} ${asked.name}`);
  }
}

/**
 * The person the agent works for: `--owner`, else the user who ran sudo.
 * @throws DaemonError USAGE when neither names one or it is root, INVALID_NAME for an unsafe name.
 */
export function resolveOwner(option: string | undefined, sudoUser: string | undefined, agent: string): string {
  const owner = option || sudoUser;
  if (!owner) {
    throw new DaemonError('USAGE', 'whose agent is this? neither --owner nor SUDO_USER names the person', `run it with sudo from the person's shell, or add --owner PERSON`);
  }
  if (owner === 'root') throw new DaemonError('USAGE', 'the owner is the person who runs the daemon, never root', 'add --owner PERSON');
  if (!OWNER_PATTERN.test(owner)) throw new DaemonError('INVALID_NAME', `${quoted(owner)} is not a user name this command accepts`, 'add --owner PERSON with the login name of the person');
  if (owner === agent) throw new DaemonError('USAGE', `the agent needs a user of its own, not the person's (${owner})`, 'choose another NAME, e.g. claude-agent');
  return owner;
}
