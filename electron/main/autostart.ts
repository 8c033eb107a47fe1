/**
 * "Start at login" (DESIGN.md §6 Settings). On Linux, Electron has no login-item API, so the app writes
 * an XDG autostart entry (`$XDG_CONFIG_HOME/autostart/agent-secrets.desktop`) that every desktop
 * session honours. On macOS and Windows Electron's `app.setLoginItemSettings` does it; this module only
 * decides the call and the adapter makes it.
 *
 * Inside an AppImage the running executable lives in a temporary mount that is gone after a reboot, so
 * the entry starts `$APPIMAGE` (the .AppImage file itself) instead. An AppImage that is updated or
 * moved leaves a stale entry behind; `keepAutostartCurrent` rewrites it at start.
 *
 * The app is started with `--autostart` so it comes up in the tray without opening the dashboard.
 */
import { posix } from 'node:path';

export const AUTOSTART_FLAG = '--autostart';
export const DESKTOP_FILE_NAME = 'agent-secrets.desktop';

/** The subset of `node:fs/promises` used here; tests pass the real one or a wrapper. */
export interface AutostartFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, options: { mode: number }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
}

export interface AutostartInput {
  platform: NodeJS.Platform;
  home: string;
  env: { XDG_CONFIG_HOME?: string; APPIMAGE?: string };
  /** `process.execPath` of the running app. */
  execPath: string;
  fs: AutostartFs;
}

/** What `app.setLoginItemSettings` should be called with (macOS, Windows; `args` is used on Windows). */
export interface LoginItemSettings {
  openAtLogin: boolean;
  args: string[];
}

export type AutostartAction =
  | { kind: 'desktop-file-written'; path: string }
  | { kind: 'desktop-file-removed'; path: string; existed: boolean }
  | { kind: 'set-login-item'; settings: LoginItemSettings };

export interface AutostartState {
  enabled: boolean;
  /** False when the entry starts another executable than this one (the AppImage moved or was updated). */
  upToDate: boolean;
}

/** Linux and other XDG desktops use an autostart file; macOS and Windows have login items. */
function usesLoginItem(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

/** The autostart entry's path. A relative `XDG_CONFIG_HOME` is ignored, as the XDG spec requires. */
export function desktopFilePath(home: string, env: AutostartInput['env']): string {
  const configHome = env.XDG_CONFIG_HOME !== undefined && posix.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : posix.join(home, '.config');
  return posix.join(configHome, 'autostart', DESKTOP_FILE_NAME);
}

/** What a login should start: the AppImage file when running from one, else this executable. */
export function launchTarget(execPath: string, env: AutostartInput['env']): string {
  return env.APPIMAGE !== undefined && posix.isAbsolute(env.APPIMAGE) ? env.APPIMAGE : execPath;
}

/**
 * One Exec argument, quoted by the Desktop Entry rules: in double quotes, with `"`, `` ` ``, `$` and
 * `\` escaped by a backslash; then the string-value escapes (every backslash doubled, control
 * characters as `\n` `\t` `\r`) since the value is unescaped before it is split; and `%` doubled so it
 * is not read as a field code. (GLib checks the program exists before expanding `%%`, so GNOME skips
 * an entry whose path holds a `%` — correct by the spec, and no quoting would do better there.)
 */
export function execArgument(arg: string): string {
  const quoted = `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  return quoted
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r')
    .replace(/%/g, '%%');
}

export function desktopEntry(target: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Agent Secrets',
    'Comment=Secret manager for AI agents, in the tray',
    `Exec=${execArgument(target)} ${AUTOSTART_FLAG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Turns start at login on: writes the entry (Linux) or says which login item to set. */
export async function enableAutostart(input: AutostartInput): Promise<AutostartAction> {
  if (usesLoginItem(input.platform)) return { kind: 'set-login-item', settings: { openAtLogin: true, args: [AUTOSTART_FLAG] } };
  const path = desktopFilePath(input.home, input.env);
  await input.fs.mkdir(posix.dirname(path), { recursive: true });
  // Renamed into place, so a session starting meanwhile never reads half an entry.
  const temp = `${path}.tmp`;
  await input.fs.writeFile(temp, desktopEntry(launchTarget(input.execPath, input.env)), { mode: 0o644 });
  await input.fs.rename(temp, path);
  return { kind: 'desktop-file-written', path };
}

/** Turns start at login off: removes the entry (Linux) or says to clear the login item. */
export async function disableAutostart(input: AutostartInput): Promise<AutostartAction> {
  if (usesLoginItem(input.platform)) return { kind: 'set-login-item', settings: { openAtLogin: false, args: [AUTOSTART_FLAG] } };
  const path = desktopFilePath(input.home, input.env);
  try {
    await input.fs.unlink(path);
    return { kind: 'desktop-file-removed', path, existed: true };
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    return { kind: 'desktop-file-removed', path, existed: false };
  }
}

/**
 * Whether the app starts at login. On Linux an entry switched off by the desktop's own settings
 * (`Hidden=true`, `X-GNOME-Autostart-enabled=false`) counts as off. Elsewhere it is what Electron's
 * `app.getLoginItemSettings()` reports, passed in as `loginItem`.
 */
export async function autostartState(input: AutostartInput, loginItem?: { openAtLogin: boolean }): Promise<AutostartState> {
  if (usesLoginItem(input.platform)) return { enabled: loginItem?.openAtLogin === true, upToDate: true };
  let text: string;
  try {
    text = await input.fs.readFile(desktopFilePath(input.home, input.env), 'utf8');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    return { enabled: false, upToDate: true };
  }
  const keys = desktopEntryKeys(text);
  const enabled = keys.get('Hidden') !== 'true' && keys.get('X-GNOME-Autostart-enabled') !== 'false';
  const expectedExec = desktopEntryKeys(desktopEntry(launchTarget(input.execPath, input.env))).get('Exec');
  return { enabled, upToDate: keys.get('Exec') === expectedExec };
}

export async function isAutostartEnabled(input: AutostartInput, loginItem?: { openAtLogin: boolean }): Promise<boolean> {
  return (await autostartState(input, loginItem)).enabled;
}

/** Electron's `app.getLoginItemSettings`, passed in so the decision is tested without Electron. */
export type GetLoginItemSettings = (options: { args: string[] }) => { openAtLogin: boolean };

/**
 * What Settings shows: whether the app starts at login. Electron is asked only where login items are
 * used (its answer means nothing on Linux), with the args the item was set with: Windows matches an
 * item by its executable and arguments, so without them an item this app set reads as absent.
 */
export function startsAtLogin(input: AutostartInput, getLoginItemSettings: GetLoginItemSettings): Promise<boolean> {
  return isAutostartEnabled(input, usesLoginItem(input.platform) ? getLoginItemSettings({ args: [AUTOSTART_FLAG] }) : undefined);
}

/** At start: an enabled entry that starts another executable is rewritten for this one. Returns whether it was. */
export async function keepAutostartCurrent(input: AutostartInput): Promise<boolean> {
  if (usesLoginItem(input.platform)) return false;
  const state = await autostartState(input);
  if (!state.enabled || state.upToDate) return false;
  await enableAutostart(input);
  return true;
}

/** The keys of the `[Desktop Entry]` group (later duplicates win, as in GLib). */
function desktopEntryKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  let inMain = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inMain = line === '[Desktop Entry]';
      continue;
    }
    const eq = line.indexOf('=');
    if (!inMain || line.startsWith('#') || eq === -1) continue;
    keys.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return keys;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;
}
