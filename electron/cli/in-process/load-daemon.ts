/**
 * The CLI reaches the daemon's code only here, for the commands that run it in this process (`serve`,
 * `init`). It is loaded on demand so `secrets lease` never pays for SQLite or age.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as DaemonModule from '../../daemon/index.js';

/** Set by the build: the bundled CLI sits next to the bundled daemon. */
declare const __BUNDLED__: boolean | undefined;

export type Daemon = typeof DaemonModule;

export function loadDaemon(): Promise<Daemon> {
  // The bundled CLI is CommonJS (it starts faster) and sits next to the daemon bundle.
  const bundled = typeof __BUNDLED__ !== 'undefined' && __BUNDLED__;
  const url = bundled ? pathToFileURL(join(__dirname, 'daemon.mjs')).href : new URL('../../daemon/index.ts', import.meta.url).href;
  return import(url) as Promise<Daemon>;
}
