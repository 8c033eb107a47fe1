#!/usr/bin/env node
// `npm start`: the headless daemon in the foreground, creating the store first if there is none
// (asking for a new passphrase on the terminal). The tray app, where Electron can run, arrives later.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../dist/locations.mjs';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'secrets');
const dataDir = defaultDataDir(process.env, process.platform, homedir());
const passthrough = process.argv.slice(2);
const run = (args) => spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' }).status ?? 1;

if (!existsSync(join(dataDir, 'identity.age')) && !existsSync(join(dataDir, 'identity.key'))) {
  console.error(`No store in ${dataDir} yet: creating one.`);
  const code = run(['init', '--human', ...passthrough.filter((a) => a !== '--foreground')]);
  if (code !== 0) process.exit(code);
}
process.exit(run(['serve', '--foreground', '--human', ...passthrough]));
