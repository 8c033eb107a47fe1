/**
 * `secrets scan [DIR] [--import]`: plaintext credentials an agent can already read in the project.
 * The work lives in electron/cli/scan/, bundled apart and loaded here on demand.
 */
import { join } from 'node:path';
import { type Command, PASSPHRASE_OPTION } from '../command.js';
import type * as ScanModule from '../scan/index.js';

/** Set by the build: the bundled CLI sits next to the scan bundle. */
declare const __BUNDLED__: boolean | undefined;

async function loadScan(): Promise<typeof ScanModule> {
  if (typeof __BUNDLED__ !== 'undefined' && __BUNDLED__) return require(join(__dirname, 'scan.cjs')) as typeof ScanModule;
  // Not a literal, so a bundler leaves it alone: from source (tests, tsx) it is the module itself.
  return import(new URL('../scan/index.ts', import.meta.url).href) as Promise<typeof ScanModule>;
}

export const scan: Command = {
  name: 'scan',
  usage: 'scan [DIR] [--no-ignore] [--import [--passphrase-file F]]',
  summary: 'find plaintext credentials in the project (.env*, config and key files); exit 1 if any',
  help: [
    'Reads env files (.env, .env.*, *.env) even where .gitignore ignores them, but does not enter a directory .gitignore ignores (that keeps it fast): an .env inside one is not read, and the output says how many were skipped. --no-ignore enters them too (never .git, node_modules or a symlinked directory).',
    "--import (the store owner's: it asks for the passphrase) moves the env files' credentials into the store, maps them in .secrets.json and keeps an encrypted backup of each file it changes.",
  ].join('\n'),
  example: 'secrets scan . --json',
  args: [0, 1],
  options: { import: { type: 'boolean' }, 'no-ignore': { type: 'boolean' }, ...PASSPHRASE_OPTION },
  async run(ctx) {
    return (await loadScan()).runScan(ctx);
  },
};
