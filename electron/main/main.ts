/**
 * The tray app's entry (dist/main/main.cjs): one instance, no window until asked for, the daemon in
 * this process. Everything it decides lives in tray-app.ts and the modules it uses.
 */
import { app, dialog } from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDaemonError } from '../../shared/errors.js';
import { defaultDataDir, defaultSocketPath } from '../../shared/locations.js';
import { createElectronShell, registerAppScheme } from './electron-adapter.js';
import { type DaemonModule, startTrayApp } from './tray-app.js';
import { trayView } from './tray-model.js';
import { systemClock } from '../daemon/clock.js';

/** dist/main/main.cjs sits beside the daemon bundle (dist/daemon.mjs), the preload and the renderer. */
const DIST = join(__dirname, '..');

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // A tray app: closing every window leaves it running.
  app.on('window-all-closed', () => {});
  registerAppScheme();
  await app.whenReady();
  const dataDir = defaultDataDir(process.env, process.platform, homedir());
  const shell = createElectronShell({
    dataDir,
    socketPath: defaultSocketPath(dataDir, process.env, process.platform),
    cliPath: app.isPackaged ? join(process.resourcesPath, 'cli', 'cli.cjs') : join(DIST, 'cli.cjs'),
    rendererDir: join(DIST, 'renderer'),
    preloadPath: join(DIST, 'preload.cjs'),
    assetsDir: join(DIST, '..', 'assets'),
  });
  app.on('second-instance', () => shell.openDashboard());
  const daemon = (await import(pathToFileURL(join(DIST, 'daemon.mjs')).href)) as DaemonModule;
  try {
    const running = await startTrayApp(shell, daemon, { trayView: (status, waiting) => trayView(status, waiting), clock: systemClock });
    app.on('before-quit', () => void running.stop('the app quit'));
  } catch (error) {
    const message = isDaemonError(error) ? `${error.message}\n\n${error.hint ?? ''}` : String(error);
    dialog.showErrorBox('Agent Secrets could not start', message);
    app.quit();
  }
}

void main();
