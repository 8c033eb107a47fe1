/**
 * "Install command-line tool" (DESIGN.md §6 Settings): a small `secrets` shell script on the PATH that
 * runs the CLI bundled with the app. The app's own binary cannot run it — its fuses turn off
 * run-as-node — so the script runs the bundled `cli.cjs` with the machine's Node.js (20 or later), and
 * says what to install when there is none. It `exec`s Node, so the daemon sees Node as the caller and
 * the agent as its parent, exactly as with an npm-installed CLI (approvals are bound to that chain).
 *
 * Where it goes: `~/.local/bin` on Linux (the XDG user bin dir, on PATH by default on most
 * distributions once it exists), `/usr/local/bin` on macOS (on PATH through /etc/paths). Windows is not
 * supported yet. A file already there that is not our script is never overwritten.
 */
import { posix } from 'node:path';
import type { ErrorCode } from '../../shared/errors.js';
import { shSingleQuoted } from '../../shared/sh-quote.js';

/** The second line of every shim we write: how a later install recognises a file it may replace. */
export const SHIM_MARKER = '# agent-secrets-shim 1';
export const MIN_NODE_MAJOR = 20;
/**
 * The envelope code when the shim cannot start the CLI. No code in shared/errors.ts says "Node.js is
 * missing"; INTERNAL is the closest honest one until there is.
 */
const SHIM_ERROR_CODE: ErrorCode = 'INTERNAL';

export type ShimTarget = { supported: true; dir: string; path: string } | { supported: false; reason: string };

export function shimTarget(platform: NodeJS.Platform, home: string): ShimTarget {
  switch (platform) {
    case 'win32':
      return { supported: false, reason: 'Installing the command-line tool is not supported on Windows yet.' };
    case 'darwin':
      return { supported: true, dir: '/usr/local/bin', path: '/usr/local/bin/secrets' };
    default: {
      const dir = posix.join(home, '.local', 'bin');
      return { supported: true, dir, path: posix.join(dir, 'secrets') };
    }
  }
}

/**
 * The POSIX sh script. It finds `node` on PATH (or `$AGENT_SECRETS_NODE`), checks its major version,
 * and execs it with the CLI and every argument unchanged. When it cannot, it fails like the CLI does
 * (§4): a JSON envelope on stdout unless stdout is a terminal or `--human` is given, `secrets: error:`
 * and `secrets: hint:` on stderr, exit 1. Messages hold no paths or versions, so the envelope needs no
 * escaping.
 */
export function shimScript(cliPath: string): string {
  return `#!/bin/sh
${SHIM_MARKER} - the \`secrets\` command, installed by the Agent Secrets app (Settings: Install command-line tool).
# It runs the command-line tool bundled with the app under this machine's Node.js (${MIN_NODE_MAJOR} or later).
# Safe to delete; installing again from the app rewrites it.
cli=${shSingleQuoted(cliPath)}
node=\${AGENT_SECRETS_NODE:-node}

json=1
[ -t 1 ] && json=0
for arg in "$@"; do
  case $arg in
    --) break ;;
    --json) json=1 ;;
    --human) json=0 ;;
  esac
done

fail() {
  if [ "$json" = 1 ]; then
    printf '{"ok":false,"error":{"code":"${SHIM_ERROR_CODE}","message":"%s","hint":"%s"},"next_actions":[]}\\n' "$1" "$2"
  fi
  printf 'secrets: error: %s\\nsecrets: hint: %s\\n' "$1" "$2" >&2
  exit 1
}

install_hint="install Node.js ${MIN_NODE_MAJOR} or later (https://nodejs.org/, nvm, or your package manager), or set AGENT_SECRETS_NODE to a node ${MIN_NODE_MAJOR}+ binary"

if ! command -v "$node" >/dev/null 2>&1; then
  fail "the secrets command needs Node.js ${MIN_NODE_MAJOR} or later, and no node was found on PATH" "$install_hint"
fi
version=$("$node" -p process.versions.node 2>/dev/null)
major=\${version%%.*}
case $major in
  ''|*[!0-9]*) fail "the secrets command could not read the version of the node found on PATH" "$install_hint" ;;
esac
if [ "$major" -lt ${MIN_NODE_MAJOR} ]; then
  fail "the secrets command needs Node.js ${MIN_NODE_MAJOR} or later, and the node found on PATH is version $major" "$install_hint"
fi
if [ ! -f "$cli" ]; then
  fail "the command-line tool bundled with Agent Secrets is gone (was the app moved or uninstalled?)" "open Agent Secrets and choose Settings, Install command-line tool again"
fi
exec "$node" "$cli" "$@"
`;
}

export function isOurShim(text: string): boolean {
  const [shebang, marker] = text.split('\n', 2);
  return shebang === '#!/bin/sh' && marker !== undefined && marker.startsWith(SHIM_MARKER);
}

/** The subset of `node:fs/promises` the install uses; tests pass the real one or a wrapper. */
export interface ShimFs {
  lstat(path: string): Promise<{ isFile(): boolean }>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, options: { mode: number; flag: 'wx' }): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
}

export interface InstallInput {
  platform: NodeJS.Platform;
  home: string;
  /** `<resources>/cli/cli.cjs` of the running app. */
  cliPath: string;
  env: { PATH?: string; SHELL?: string };
  fs: ShimFs;
}

export type InstallResult =
  | {
      ok: true;
      path: string;
      /** Whether the shim's directory is on the PATH the app was started with. */
      onPath: boolean;
      /** When not on PATH: the exact line to add to `profile`. */
      hint?: string;
      profile?: string;
      /** An earlier directory on PATH holds another `secrets`, which a shell would run instead. */
      shadowedBy?: string;
      /** Our own earlier shim was replaced (e.g. the app moved). */
      replaced: boolean;
    }
  | { ok: false; code: 'unsupported' | 'not-our-file' | 'permission'; message: string; hint?: string };

/**
 * Writes the shim, atomically (a temporary file renamed over the target, so a symlink at the target is
 * replaced, never written through). Expected refusals are values; an unexpected fs error throws.
 */
export async function installShim(input: InstallInput): Promise<InstallResult> {
  const target = shimTarget(input.platform, input.home);
  if (!target.supported) return { ok: false, code: 'unsupported', message: target.reason };
  const { fs } = input;

  const existing = await readIfExists(fs, target.path);
  if (existing === 'not-a-file' || (existing !== null && !isOurShim(existing))) {
    return {
      ok: false,
      code: 'not-our-file',
      message: `${target.path} already exists and was not installed by Agent Secrets, so it was left alone.`,
      hint: `If it is an old copy of the secrets command you no longer want, delete it and install again: rm ${shSingleQuoted(target.path)}`,
    };
  }

  const temp = `${target.path}.agent-secrets-tmp`;
  try {
    await fs.mkdir(target.dir, { recursive: true, mode: 0o755 });
    await fs.unlink(temp).catch((error: unknown) => {
      if (errorCode(error) !== 'ENOENT') throw error;
    });
    await fs.writeFile(temp, shimScript(input.cliPath), { mode: 0o755, flag: 'wx' });
    await fs.chmod(temp, 0o755); // the umask may have narrowed the mode given at creation
    await fs.rename(temp, target.path);
  } catch (error) {
    if (!['EACCES', 'EPERM', 'EROFS'].includes(errorCode(error) ?? '')) throw error;
    return {
      ok: false,
      code: 'permission',
      message: `${target.dir} is not writable by you, so the secrets command could not be installed there.`,
      hint:
        input.platform === 'darwin'
          ? 'In Terminal: sudo mkdir -p /usr/local/bin && sudo chown "$(id -un)" /usr/local/bin — then choose Install command-line tool again.'
          : `Make ${target.dir} yours (it should be), then choose Install command-line tool again.`,
    };
  }

  const entries = (input.env.PATH ?? '').split(':').filter((e) => e !== '').map((e) => posix.resolve(e));
  const index = entries.indexOf(posix.resolve(target.dir));
  const shadowedBy = await firstOtherSecrets(fs, index === -1 ? entries : entries.slice(0, index));
  const result: InstallResult = { ok: true, path: target.path, onPath: index !== -1, replaced: existing !== null };
  if (shadowedBy !== undefined) result.shadowedBy = shadowedBy;
  if (index === -1) Object.assign(result, pathHint(target.dir, input.home, input.env.SHELL));
  return result;
}

/** The line that puts `dir` on PATH for the person's shell, and the file it belongs in. */
export function pathHint(dir: string, home: string, shell: string | undefined): { hint: string; profile: string } {
  // $HOME instead of the literal home keeps the line free of characters that would need quoting.
  const shown = dir.startsWith(`${home}/`) ? `$HOME/${dir.slice(home.length + 1)}` : dir;
  const name = posix.basename(shell ?? '');
  if (name === 'fish') return { hint: `fish_add_path ${shown}`, profile: '~/.config/fish/config.fish' };
  const line = `export PATH="${shown}:$PATH"`;
  if (name === 'zsh') return { hint: line, profile: '~/.zshrc' };
  if (name === 'bash') return { hint: line, profile: '~/.bashrc' };
  return { hint: line, profile: '~/.profile' };
}

async function readIfExists(fs: ShimFs, path: string): Promise<string | 'not-a-file' | null> {
  try {
    if (!(await fs.lstat(path)).isFile()) return 'not-a-file';
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
  return fs.readFile(path, 'utf8');
}

async function firstOtherSecrets(fs: ShimFs, dirs: string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const candidate = posix.join(dir, 'secrets');
    try {
      await fs.lstat(candidate);
      return candidate;
    } catch {
      // absent or unreadable: a shell would not run it either
    }
  }
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;
}
