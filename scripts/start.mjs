#!/usr/bin/env node
// `npm start`: the tray app where Electron's binary is installed; otherwise the headless daemon in the
// foreground (creating the store first if there is none, asking for a new passphrase on the terminal),
// with one line saying why and how to get the tray.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../dist/locations.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'bin', 'secrets');
const dataDir = defaultDataDir(process.env, process.platform, homedir());
const passthrough = process.argv.slice(2);
const run = (command, args) => spawnSync(command, args, { stdio: 'inherit' }).status ?? 1;

/** The Electron binary's path when its installer managed to download it, else null. */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
if (electron !== null) process.exit(run(electron, [repo, ...passthrough]));
console.error(
  "Electron's binary is not installed (its download is blocked or was skipped), so this runs the headless daemon; " +
    'for the tray app run `node node_modules/electron/install.js` where Electron can be downloaded, then `npm start` again.',
);
if (!existsSync(join(dataDir, 'identity.age')) && !existsSync(join(dataDir, 'identity.key'))) {
  console.error(`No store in ${dataDir} yet: creating one.`);
  const code = run(process.execPath, [cli, 'init', '--human', ...passthrough.filter((a) => a !== '--foreground')]);
  if (code !== 0) process.exit(code);
}
process.exit(run(process.execPath, [cli, 'serve', '--foreground', '--human', ...passthrough]));
