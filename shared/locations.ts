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
