/**
 * Starting and stopping the daemon: check the data dir, unlock the identity, open the store, close
 * leases that expired while it was down, and serve the socket. Used by `secrets serve` and by the
 * Electron main process alike.
 */
import { chmodSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from './clock.js';
import { loadConfig } from './config.js';
import { Core } from './core.js';
import { createDispatch, type Dispatch } from './server/dispatch.js';
import { createHandlers } from './server/handlers.js';
import { unlockIdentity } from './store/identity.js';
import { createLogger } from './logger.js';
import { createPassphraseVerifier } from './auth/passphrase-verifier.js';
import { FILES, checkDataDirSafe, checkSocketPath } from './store/paths.js';
import { RpcServer } from './server/rpc-server.js';
import { claimSocketPath } from './server/socket-guard.js';
import { makeEvent } from './events.js';
import { VERSION } from '../../shared/version.js';

const log = createLogger('daemon');

export interface DaemonOptions {
  dataDir: string;
  socketPath: string;
  /** Needed when the store is passphrase-protected. */
  passphrase?: string;
  clock?: Clock;
}

export interface RunningDaemon {
  core: Core;
  dispatch: Dispatch;
  stop(reason: string): Promise<void>;
}

/** @throws DaemonError for every expected refusal (unsafe dir, wrong passphrase, live daemon, bad config). */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  checkDataDirSafe(options.dataDir);
  checkSocketPath(options.socketPath);
  const config = loadConfig(join(options.dataDir, FILES.config));
  const identity = await unlockIdentity(options.dataDir, options.passphrase);
  const passphraseVerifier = identity.protection === 'passphrase' ? await createPassphraseVerifier(options.passphrase!) : null;
  await claimSocketPath(options.socketPath);

  const core = new Core({ dataDir: options.dataDir, socketPath: options.socketPath, config, identity, passphraseVerifier, clock: options.clock });
  const closedAtStart = core.leases.start();
  core.journal.run((tx) => tx.audit({ action: 'daemon.started', detail: { version: VERSION, pid: process.pid, closed_expired_leases: closedAtStart } }));
  for (const grant of core.grants.list().filter((g) => g.active && g.source !== 'approval')) {
    log.warn('AUTO-APPROVE: this client leases without asking a person', {
      client_id: grant.client_id,
      launcher: grant.launcher ?? 'any launcher',
      secrets: grant.secrets ?? 'all secrets',
      source: grant.source,
    });
  }
  if (identity.protection === 'insecure-keyfile') {
    log.warn('the identity is a plaintext key file: admin actions are open to any local process, including agents');
  }

  const dispatch = createDispatch(core, createHandlers(core));
  const server = new RpcServer(dispatch, core.events, config.server);
  const previousMask = process.umask(0o177);
  try {
    await server.listen(options.socketPath);
  } finally {
    process.umask(previousMask);
  }
  chmodSync(options.socketPath, 0o600);
  core.start();
  log.info('serving', { socket: options.socketPath, data_dir: options.dataDir, protection: identity.protection });

  let stopping: Promise<void> | null = null;
  const stop = (reason: string) =>
    (stopping ??= (async () => {
      log.info('stopping', { reason });
      core.events.emit(makeEvent('daemon.stopping', { reason }, core.clock.now()));
      core.journal.run((tx) => tx.audit({ action: 'daemon.stopped', detail: { reason } }));
      await server.close();
      await core.close();
      try {
        unlinkSync(options.socketPath);
      } catch {
        // Already gone: nothing to clean.
      }
    })());
  return { core, dispatch, stop };
}
