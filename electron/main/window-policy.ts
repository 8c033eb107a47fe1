/**
 * Every security decision about the app's windows, as plain functions of data (DESIGN.md §6 Security).
 * No `electron` import at run time (types only), so each rule is unit-tested under plain Node; the one
 * adapter that creates windows passes these options and calls `applyWindowLockdown` on every window.
 *
 * Why it matters: the window acts as the person (admin) through the UI service, so anything that gets
 * script into it, or gets it to show someone else's page, can approve agents and read the audit log.
 *
 * The app's pages are meant to be served from a custom `app://bundle/` scheme (see `APP_ORIGIN`), not
 * `file://`: the scheme handler serves only files under the renderer build dir (`resolveAppFile`) and
 * sets the CSP on every response (`contentSecurityHeaders`); a `file://` page has an opaque origin, may
 * navigate to any file on disk, and header injection for it depends on `webRequest` reaching `file:`.
 * The URL rules below also accept a `file://` root (or the renderer dir as a path), but never an
 * `http(s)` root: a dev server on localhost is a port any local process (an agent) could bind first,
 * and its page would then hold the person's rights.
 */
import { isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, CustomScheme, WebPreferences } from 'electron';

/** The scheme the app's own pages are served on. */
export const APP_SCHEME = 'app';
/** The root of the app's pages: pass it as `appRoot`; the dashboard is `${APP_ORIGIN}/index.html`. */
export const APP_ORIGIN = 'app://bundle';
export const APP_ROOT = `${APP_ORIGIN}/`;

/**
 * For `protocol.registerSchemesAsPrivileged` (before `app.ready`): standard (real origin, relative URLs)
 * and secure (a secure context); nothing that loosens the page's rules (no CSP bypass, no service
 * workers, no fetch/CORS from other origins). No V8 code cache: Chromium keeps it in the profile
 * directory, which an agent running as the person can write, and V8 runs a cached entry as it finds it.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, bypassCSP: false, allowServiceWorkers: false, supportFetchAPI: false, corsEnabled: false, stream: false, codeCache: false },
};

/** Nothing a page may load except the app's own scripts, styles, fonts and images; no network at all. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'none'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The headers of every response for the app's own pages (the `app://` handler adds its Content-Type). */
export function contentSecurityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** What every window's renderer gets: isolated, sandboxed, no Node, no webview, nothing loosened. */
function webPreferences(preloadPath: string, devTools: boolean): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    devTools,
  };
}

/**
 * The dashboard: an ordinary window, shown by the adapter once its first frame is ready.
 * `preloadPath` is the built preload (dist/preload.cjs); developer tools only in an unpackaged build.
 */
export function dashboardWindowOptions(preloadPath: string, devTools = false): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 720,
    minWidth: 760,
    minHeight: 480,
    show: false,
    title: 'Agent Secrets',
    autoHideMenuBar: true,
    webPreferences: webPreferences(preloadPath, devTools),
  };
}

/**
 * The approval prompt: always on top, fixed size, no taskbar entry. The size is what the prompt needs
 * to show, without scrolling, who asks (user, launcher, executable, pid, directory), what for, the
 * countdown and the answer; test/e2e/window.test.ts checks that at exactly this size. Created hidden:
 * the adapter calls `showInactive()` so it never takes the keyboard from what the person is typing
 * into (DESIGN.md §6).
 */
export function approvalWindowOptions(preloadPath: string, devTools = false): BrowserWindowConstructorOptions {
  return {
    width: 520,
    height: 600,
    useContentSize: true,
    center: true,
    show: false,
    alwaysOnTop: true,
    resizable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    title: 'Agent Secrets: approval requested',
    autoHideMenuBar: true,
    webPreferences: webPreferences(preloadPath, devTools),
  };
}

const MAX_URL_LENGTH = 4096;

function parseUrl(value: unknown): URL | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL_LENGTH) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * The root as a URL: an `app:`/`file:` URL as given, an absolute directory path as its `file:` URL;
 * null for anything else.
 */
function rootUrl(appRoot: string): URL | null {
  if (typeof appRoot !== 'string' || appRoot.length === 0) return null;
  if (isAbsolute(appRoot)) return pathToFileURL(appRoot.endsWith(sep) ? appRoot : appRoot + sep);
  const url = parseUrl(appRoot);
  return url && (url.protocol === 'app:' || url.protocol === 'file:') ? url : null;
}

/** Encoded separators and NUL survive URL parsing and would be decoded by a file handler into a path. */
const ENCODED_PATH_TRICKS = /%2f|%5c|%00|\\/i;

/**
 * True only for a page of the app itself: same scheme and host as `appRoot` (an `app:` or `file:` URL
 * naming a directory, or the directory's absolute path), a path inside it after `.`/`..` normalisation,
 * no credentials, no encoded separators. `appRoot` of any other scheme makes every URL false.
 */
export function isAppUrl(url: unknown, appRoot: string): boolean {
  const root = rootUrl(appRoot);
  const target = parseUrl(url);
  if (!root || !target) return false;
  if (target.protocol !== root.protocol || target.host !== root.host) return false;
  if (target.username !== '' || target.password !== '') return false;
  if (ENCODED_PATH_TRICKS.test(target.pathname)) return false;
  const rootPath = root.pathname.endsWith('/') ? root.pathname : `${root.pathname}/`;
  if (!target.pathname.startsWith(rootPath)) return false;
  // `app://bundle/` is served as index.html; a `file://` directory is a listing, never a page.
  return root.protocol === 'app:' || target.pathname.length > rootPath.length;
}

/**
 * The file an `app://bundle/…` request is served from, or null (the handler answers 404): only a file
 * under `rendererDir`, `/` meaning `index.html`; any other host, an encoded separator, NUL, a dot
 * segment or a path leaving the directory is null.
 */
export function resolveAppFile(url: unknown, rendererDir: string): string | null {
  if (!isAppUrl(url, APP_ROOT)) return null;
  const { pathname } = new URL(url as string);
  let segments: string[];
  try {
    segments = pathname.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return null;
  }
  if (segments.length === 1 && segments[0] === '') segments = ['index.html'];
  if (segments.some((s) => s === '' || s === '.' || s === '..' || /[/\\\0:]/.test(s))) return null;
  const file = join(rendererDir, ...segments);
  const inside = relative(rendererDir, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null;
  return file;
}

export type NavigationDecision = 'allow' | 'deny';

/** `will-navigate`, `will-redirect`, `will-frame-navigate`: only to the app's own pages. */
export function navigationDecision(url: unknown, appRoot: string): NavigationDecision {
  return isAppUrl(url, appRoot) ? 'allow' : 'deny';
}

/** `window.open`, `target=_blank`: never a new window (an allowed external link opens in the browser). */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

/** Permission requests (camera, notifications, clipboard, …): the window needs none. */
export function permissionDecision(_permission: unknown): false {
  return false;
}

/** Permission checks (`navigator.permissions.query`, device access): none granted. */
export function permissionCheckDecision(_permission: unknown): false {
  return false;
}

/** The parts of Electron's `WebFrameMain` a sender check reads. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/**
 * May this IPC message reach the UI service (which acts as the person)? Only from the top frame of the
 * app's own page: not a subframe, not a frame that is gone (null), not a page navigated elsewhere.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appRoot: string): boolean {
  if (frame === null || frame === undefined || typeof frame !== 'object') return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url, appRoot);
}

/**
 * Origins the window may open in the person's browser. None: the window shows text that agents choose
 * (client ids, command lines, cwd, audit details), and nothing in it needs to link out. A help link is
 * added here, by exact `https://` origin, with its test.
 */
export const EXTERNAL_ORIGINS: readonly string[] = [];

/**
 * The URL to hand to `shell.openExternal`, or null: a string that parses as an `https:` URL without
 * credentials whose origin is exactly one of `allowedOrigins`. Everything else (`javascript:`, `file:`,
 * `smb:`, custom protocol handlers, look-alike hosts) is null.
 */
export function openExternalDecision(value: unknown, allowedOrigins: readonly string[] = EXTERNAL_ORIGINS): string | null {
  const url = parseUrl(value);
  if (!url || url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  return allowedOrigins.includes(url.origin) ? url.href : null;
}

/** An event a handler may cancel (Electron's `Event`). */
export interface Preventable {
  preventDefault(): void;
}
export interface NavigationEvent extends Preventable {
  url: string;
}
export interface FrameNavigationEvent extends NavigationEvent {
  isMainFrame: boolean;
}

/** The parts of Electron's `WebContents` the lockdown wires; a `WebContents` satisfies it. */
export interface LockdownTarget {
  on(event: 'will-navigate' | 'will-redirect', handler: (event: NavigationEvent) => void): unknown;
  on(event: 'will-frame-navigate', handler: (event: FrameNavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', handler: (event: Preventable) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  session: {
    setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
    setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  };
}

/** `shell.openExternal`, passed in so the lockdown is tested without Electron. */
export type OpenExternal = (url: string) => unknown;
/** Which links may leave for the browser: `openExternalDecision` unless a test pins another list. */
export type ExternalDecision = (value: unknown) => string | null;

function openIfAllowed(url: unknown, openExternal: OpenExternal, decide: ExternalDecision): void {
  const allowed = decide(url);
  if (allowed === null) return;
  try {
    // shell.openExternal returns a promise; a browser that fails to start is not the window's problem.
    void Promise.resolve(openExternal(allowed)).catch(() => {});
  } catch {
    // same: nothing to undo
  }
}

/**
 * The one place every window is locked down (Signal's `handleCommonWindowEvents`): navigation and
 * redirects leave the app's pages never, subframes navigate nowhere, `<webview>` never attaches, no new
 * windows, no permissions. An allowed external link (see `EXTERNAL_ORIGINS`) opens in the browser instead.
 */
export function applyWindowLockdown(
  contents: LockdownTarget,
  appRoot: string,
  openExternal: OpenExternal,
  decideExternal: ExternalDecision = openExternalDecision,
): void {
  const guardNavigation = (event: NavigationEvent): void => {
    if (navigationDecision(event.url, appRoot) === 'allow') return;
    event.preventDefault();
    openIfAllowed(event.url, openExternal, decideExternal);
  };
  contents.on('will-navigate', guardNavigation);
  contents.on('will-redirect', (event) => {
    if (navigationDecision(event.url, appRoot) === 'deny') event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame || navigationDecision(event.url, appRoot) === 'deny') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler((details) => {
    openIfAllowed(details.url, openExternal, decideExternal);
    return windowOpenDecision();
  });
  contents.session.setPermissionRequestHandler((_contents, permission, callback) => callback(permissionDecision(permission)));
  contents.session.setPermissionCheckHandler((_contents, permission) => permissionCheckDecision(permission));
}
