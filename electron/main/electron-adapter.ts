/**
 * The one file that touches Electron: it implements `AppShell` with Electron's objects and applies the
 * decisions made elsewhere (window-policy.ts for every window and IPC call, tray-model.ts for the
 * tray). Kept thin: what it does is call through, so the wiring test's recording double of this slice
 * of Electron's API exercises everything else.
 */
import { BrowserWindow, Menu, Notification, Tray, app, globalShortcut, ipcMain, nativeImage, protocol, safeStorage, shell as electronShell } from 'electron';
import * as fsPromises from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { extname, join } from 'node:path';
import { DaemonError } from '../../shared/errors.js';
import { type UiReply, uiFailure, uiSuccess } from '../../shared/ui-service.js';
import type { AppShell } from './tray-app.js';
import type { MenuItemModel, TrayView } from './tray-model.js';
import type { Sealer } from './passphrase-keeper.js';
import { disableAutostart, enableAutostart, startsAtLogin } from './autostart.js';
import { installShim } from './cli-shim.js';
import { rememberPolicy } from './first-run.js';
import { headlessDaemonPid, stopHeadlessDaemon } from './headless.js';
import {
  APP_ROOT,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  applyWindowLockdown,
  approvalWindowOptions,
  contentSecurityHeaders,
  dashboardWindowOptions,
  isTrustedSender,
  openExternalDecision,
  resolveAppFile,
} from './window-policy.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Before `app.ready`: the app's pages get a real, secure origin of their own (`app://bundle`). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/** Serves `app://bundle/…` from the built renderer only, every response with the CSP. */
async function serveAppFile(url: string, rendererDir: string): Promise<Response> {
  const file = resolveAppFile(url, rendererDir);
  if (file === null) return new Response('not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, { headers: { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', ...contentSecurityHeaders() } });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

export interface AdapterPaths {
  dataDir: string;
  socketPath: string;
  /** The bundled CLI the `secrets` shim runs (`<resources>/cli/cli.cjs` when packaged). */
  cliPath: string;
  /** The built renderer (dist/renderer) and preload (dist/preload.cjs). */
  rendererDir: string;
  preloadPath: string;
  assetsDir: string;
}

/** What safeStorage offers here (first-run.ts decides whether the passphrase may be kept in it). */
function keychainFacts(): { available: boolean; backend: string } {
  return { available: safeStorage.isEncryptionAvailable(), backend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os' };
}

/** The keychain, where it may hold the passphrase: never the `basic_text` obfuscation. */
function keychain(): Sealer | null {
  if (!rememberPolicy(keychainFacts()).allowed) return null;
  // This Electron has only the synchronous calls (the passphrase is short: they do not block long).
  return {
    seal: async (plain) => safeStorage.encryptString(plain),
    open: async (sealed) => safeStorage.decryptString(sealed),
  };
}

export function createElectronShell(paths: AdapterPaths): AppShell {
  let tray: Tray | null = null;
  let dashboard: BrowserWindow | null = null;
  let approval: BrowserWindow | null = null;

  // The windows load nothing but the app's own pages, served here with the CSP on every response.
  protocol.handle(APP_SCHEME, (request) => serveAppFile(request.url, paths.rendererDir));

  const lockDown = (window: BrowserWindow) => applyWindowLockdown(window.webContents, APP_ROOT, (url) => void electronShell.openExternal(url), openExternalDecision);

  return {
    platform: process.platform,
    dataDir: paths.dataDir,
    socketPath: paths.socketPath,
    sealer: keychain(),
    keychain: keychainFacts(),
    headlessRunning: async () => (await headlessDaemonPid(paths.socketPath)) !== null,
    stopHeadless: () => stopHeadlessDaemon(paths.socketPath),
    async installCli() {
      const result = await installShim({ platform: process.platform, home: homedir(), cliPath: paths.cliPath, env: process.env, fs: fsPromises });
      return result.ok ? { installed: true, path: result.path, ...(result.hint ? { hint: `${result.hint} (in ${result.profile})` } : {}) } : { installed: false, path: null, hint: result.hint ?? result.message };
    },
    startAtLogin() {
      const input = { platform: process.platform, home: homedir(), env: process.env, execPath: process.execPath, fs: fsPromises };
      return startsAtLogin(input, (options) => app.getLoginItemSettings(options));
    },
    async setStartAtLogin(enabled) {
      const input = { platform: process.platform, home: homedir(), env: process.env, execPath: process.execPath, fs: fsPromises };
      const action = enabled ? await enableAutostart(input) : await disableAutostart(input);
      if (action.kind === 'set-login-item') app.setLoginItemSettings(action.settings);
      return enabled;
    },
    showTray(view: TrayView, onClick: (id: string) => void) {
      const image = nativeImage.createFromPath(join(paths.assetsDir, view.icon));
      tray ??= new Tray(image);
      tray.setImage(image);
      tray.setToolTip(view.tooltip);
      tray.setContextMenu(Menu.buildFromTemplate(view.menu.map((item: MenuItemModel) => (item.type === 'separator' ? { type: 'separator' as const } : { id: item.id, label: item.label, enabled: item.enabled, click: () => onClick(item.id) }))));
    },
    openDashboard() {
      if (dashboard === null || dashboard.isDestroyed()) {
        dashboard = new BrowserWindow(dashboardWindowOptions(paths.preloadPath));
        lockDown(dashboard);
        void dashboard.loadURL(`${APP_ROOT}index.html`);
      }
      dashboard.show();
      dashboard.focus();
    },
    showApproval(requestId: string | null) {
      if (requestId === null) {
        if (approval !== null && !approval.isDestroyed()) approval.close();
        approval = null;
        return;
      }
      if (approval === null || approval.isDestroyed()) {
        approval = new BrowserWindow(approvalWindowOptions(paths.preloadPath));
        lockDown(approval);
      }
      void approval.loadURL(`${APP_ROOT}approval.html#${encodeURIComponent(requestId)}`);
      // Shown without taking focus: a prompt must never catch a keystroke meant for another window.
      approval.showInactive();
    },
    handle(channel, handler) {
      ipcMain.handle(channel, async (event, params: unknown): Promise<UiReply> => {
        if (!isTrustedSender(event.senderFrame, APP_ROOT)) return uiFailure(new DaemonError('DENIED', 'refused: this page is not the Agent Secrets window'));
        return handler(params).then(uiSuccess, uiFailure);
      });
    },
    broadcast(channel, payload) {
      for (const window of BrowserWindow.getAllWindows()) if (!window.isDestroyed()) window.webContents.send(channel, payload);
    },
    registerShortcut: (accelerator, handler) => globalShortcut.register(accelerator, handler),
    notify(title, body) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title, body });
      // A notification only ever opens the window: it never decides anything.
      notification.on('click', () => this.openDashboard());
      notification.show();
    },
    quit: () => app.quit(),
    log: (message) => process.stderr.write(`agent-secrets: ${message}\n`),
  };
}
