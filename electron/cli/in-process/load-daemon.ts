/**
 * The CLI reaches the daemon's code only here, for the commands that run it in this process (`serve`,
 * `init`). It is loaded on demand so `secrets lease` never pays for SQLite or age.
 */
import type * as DaemonModule from '../../daemon/index.js';

/** Set by the build: the bundled CLI sits next to the bundled daemon. */
declare const __BUNDLED__: boolean | undefined;

export type Daemon = typeof DaemonModule;

export function loadDaemon(): Promise<Daemon> {
  const bundled = typeof __BUNDLED__ !== 'undefined' && __BUNDLED__;
  const target = bundled ? './daemon.mjs' : '../../daemon/index.ts';
  return import(new URL(target, import.meta.url).href) as Promise<Daemon>;
}
