/**
 * Where the store lives by default (DESIGN.md §3). Pure: the environment, platform and home dir are
 * passed in, so the daemon and the CLI resolve the same paths without sharing Node code.
 */
type Env = Record<string, string | undefined>;

export const SOCKET_FILE = 'daemon.sock';

function join(platform: string, ...parts: string[]): string {
  const sep = platform === 'win32' ? '\\' : '/';
  return parts.map((part, i) => (i === 0 ? part.replace(/[\\/]+$/, '') : part.replace(/^[\\/]+|[\\/]+$/g, ''))).join(sep);
}

export function defaultDataDir(env: Env, platform: string, home: string): string {
  if (env.AGENT_SECRETS_HOME) return env.AGENT_SECRETS_HOME;
  switch (platform) {
    case 'darwin':
      return join(platform, home, 'Library', 'Application Support', 'Agent Secrets');
    case 'win32':
      return join(platform, env.APPDATA ?? join(platform, home, 'AppData', 'Roaming'), 'Agent Secrets');
    default:
      return join(platform, env.XDG_DATA_HOME || join(platform, home, '.local', 'share'), 'agent-secrets');
  }
}

export function defaultSocketPath(dataDir: string, env: Env, platform: string): string {
  return env.AGENT_SECRETS_SOCKET || join(platform, dataDir, SOCKET_FILE);
}

/** The group whose members may connect to the agent socket (config `agents.group`). */
export const AGENT_GROUP = 'agent-secrets';
export const AGENT_SOCKET_FILE = 'agents.sock';

/**
 * Where each person's agent socket directory lives: made by `sudo secrets agent-user add` (and, on
 * Linux, remade at boot by a tmpfiles.d entry). Not `$XDG_RUNTIME_DIR`: that directory is 0700, and
 * opening it to agents would open the session's other sockets (Wayland, PipeWire, D-Bus) to them too.
 */
export function agentSocketRoot(platform: string): string {
  return platform === 'darwin' ? '/Users/Shared/agent-secrets' : '/run/agent-secrets';
}

/** The agent socket of the person `owner` (a user name), unless config.json `agents.socket` says otherwise. */
export function defaultAgentSocketPath(owner: string, platform: string): string {
  return join(platform, agentSocketRoot(platform), owner, AGENT_SOCKET_FILE);
}

/** Unix socket paths longer than this fail to bind (sun_path is 108 bytes on Linux, 104 on macOS). */
export const MAX_SOCKET_PATH_BYTES = 103;

/** Why a socket path cannot work, or null when it can. */
export function socketPathProblem(socketPath: string): { message: string; hint: string } | null {
  const bytes = new TextEncoder().encode(socketPath).length;
  if (bytes <= MAX_SOCKET_PATH_BYTES) return null;
  return {
    message: `socket path is too long for a Unix socket (${bytes} bytes, at most ${MAX_SOCKET_PATH_BYTES})`,
    hint: 'set AGENT_SECRETS_SOCKET to a shorter path, e.g. /tmp/agent-secrets.sock',
  };
}
