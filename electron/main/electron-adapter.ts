/**
 * The one file that touches Electron: it implements `AppShell` with Electron's objects and applies the
 * decisions made elsewhere (window-policy.ts for every window and IPC call, tray-model.ts for the
 * tray). Kept thin: what it does is call through, so the wiring test's recording double of this slice
 * of Electron's API exercises everything else.
 */
import { BrowserWindow, Menu, Notification, Tray, app, globalShortcut, ipcMain, nativeImage, safeStorage, session, shell as electronShell } from 'electron';
import { join } from 'node:path';
import { DaemonError } from '../../shared/errors.js';
import { type UiReply, uiFailure, uiSuccess } from '../../shared/ui-service.js';
import type { AppShell } from './tray-app.js';
import type { MenuItemModel, TrayView } from './tray-model.js';
import type { Sealer } from './passphrase-keeper.js';
import { applyWindowLockdown, approvalWindowOptions, contentSecurityHeaders, dashboardWindowOptions, isTrustedSender, openExternalDecision } from './window-policy.js';

export interface AdapterPaths {
  dataDir: string;
  socketPath: string;
  /** The built renderer (dist/renderer) and preload (dist/preload.cjs). */
  rendererDir: string;
  preloadPath: string;
  assetsDir: string;
}

/** The keychain, where it may hold the passphrase: never the `basic_text` obfuscation. */
function keychain(): Sealer | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null;
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
  const page = (name: string) => join(paths.rendererDir, name);

  // Every response of the app's own pages carries the CSP; the windows never load anything else.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: { ...details.responseHeaders, ...contentSecurityHeaders() } }));

  const lockDown = (window: BrowserWindow) => applyWindowLockdown(window.webContents, paths.rendererDir, (url) => void electronShell.openExternal(url), openExternalDecision);

  return {
    platform: process.platform,
    dataDir: paths.dataDir,
    socketPath: paths.socketPath,
    sealer: keychain(),
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
        void dashboard.loadFile(page('index.html'));
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
      void approval.loadFile(page('approval.html'), { hash: requestId });
      // Shown without taking focus: a prompt must never catch a keystroke meant for another window.
      approval.showInactive();
    },
    handle(channel, handler) {
      ipcMain.handle(channel, async (event, params: unknown): Promise<UiReply> => {
        if (!isTrustedSender(event.senderFrame, paths.rendererDir)) return uiFailure(new DaemonError('DENIED', 'refused: this page is not the Agent Secrets window'));
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
