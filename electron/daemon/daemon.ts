/**
 * Starting and stopping the daemon: check the data dir, unlock the identity, open the store, close
 * leases that expired while it was down, and serve the socket. Used by `secrets serve` and by the
 * Electron main process alike.
 */
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type SystemTime, systemClock } from './clock.js';
import { loadConfig } from './config.js';
import { Core } from './core.js';
import { createDispatch, type Dispatch } from './server/dispatch.js';
import { createHandlers } from './server/handlers.js';
import { unlockIdentity } from './store/identity.js';
import { createLogger } from './logger.js';
import { AdminGate } from './auth/admin-gate.js';
import { DEFAULT_ADMIN_LOG_N } from '../../shared/admin-proof.js';
import { FILES, checkDataDirSafe, checkSocketPath } from './store/paths.js';
import { probeDisk, storageError, storageFailure } from './store/storage-failure.js';
import { checkStoreFiles } from './store/integrity.js';
import type { AuditInput } from './audit/audit.js';
import { RpcServer } from './server/rpc-server.js';
import { type PeerCredLoader, type PeerVerifier, type VerifiedIdentity, createPeerVerifier } from './callers/peer-identity.js';
import { type DaemonLock, acquireDaemonLock } from './store/daemon-lock.js';
import { claimSocketPath } from './server/socket-guard.js';
import { openAgentSocket } from './server/agent-socket.js';
import { makeEvent } from './events.js';
import { SteadyClock } from './steady-clock.js';
import { VERSION } from '../../shared/version.js';

const log = createLogger('daemon');

export interface DaemonOptions {
  dataDir: string;
  socketPath: string;
  /** Needed when the store is passphrase-protected. */
  passphrase?: string;
  clock?: SystemTime;
  /**
   * Serve callers whose peer credentials cannot be read (`--allow-unverified-callers`). Without it the
   * daemon refuses to start when the peer-credentials addon is missing, and refuses such connections.
   */
  allowUnverifiedCallers?: boolean;
  /** Loads the peer-credentials addon; tests inject a failing one to show the daemon fails closed. */
  loadPeerCredentials?: PeerCredLoader;
  /** Set by the tray app: a terminal's admin command without proof is confirmed in its window. */
  confirmAdminInWindow?: boolean;
}

export interface RunningDaemon {
  core: Core;
  dispatch: Dispatch;
  stop(reason: string): Promise<void>;
}

/**
 * @throws DaemonError for every expected refusal (unsafe dir, callers that cannot be verified, a daemon
 * already running on the data dir or the socket, wrong passphrase, bad config, a read-only or full
 * disk, a damaged store file).
 */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  checkDataDirSafe(options.dataDir);
  checkSocketPath(options.socketPath);
  // Every lease is written with its audit entry: a daemon that cannot write would only refuse them.
  if (probeDisk(options.dataDir) === 'read-only') throw storageError('read-only', options.dataDir, 'the daemon did not start');
  const peers = createPeerVerifier({ allowUnverified: options.allowUnverifiedCallers === true, load: options.loadPeerCredentials });
  try {
    // Before anything else touches the store or the socket: a second daemon stops here.
    const lock = acquireDaemonLock(options.dataDir, options.socketPath);
    try {
      return await startLocked(options, peers, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  } catch (error) {
    throw storageFailure(error, options.dataDir, 'the daemon did not start') ?? error;
  }
}

async function startLocked(options: DaemonOptions, peers: PeerVerifier, lock: DaemonLock): Promise<RunningDaemon> {
  // Before SQLite opens state.db for writing (which may replay, checkpoint or delete a WAL): damage
  // found later would already have been written over.
  checkStoreFiles(options.dataDir);
  const config = loadConfig(join(options.dataDir, FILES.config));
  const identity = await unlockIdentity(options.dataDir, options.passphrase);
  // One clock for the core and the admin gate: lockouts, like leases, last by the monotonic clock.
  const clock = new SteadyClock(options.clock ?? systemClock);
  // Proofs cost a guesser what identity.age does: the same scrypt work factor.
  const adminGate = new AdminGate({ passphrase: identity.protection === 'passphrase' ? options.passphrase! : null, logN: identity.workFactor ?? DEFAULT_ADMIN_LOG_N, now: () => clock.now() });
  await claimSocketPath(options.socketPath);

  const core = new Core({ dataDir: options.dataDir, socketPath: options.socketPath, config, identity, adminGate, clock, allowUnverifiedCallers: peers.allowUnverified, confirmAdminInWindow: options.confirmAdminInWindow });
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
  if (peers.allowUnverified) {
    log.warn('UNVERIFIED CALLERS: --allow-unverified-callers: a caller whose process cannot be verified is served, so approvals cannot tell programs apart', {
      addon: peers.unavailable ?? 'loaded',
    });
  }

  const dispatch = createDispatch(core, createHandlers(core));
  const onPeerChanged = (who: VerifiedIdentity | null, method: string) =>
    auditOrLog(core, { action: 'connection.refused', outcome: 'denied', pid: who?.pid ?? null, detail: { reason: 'peer_changed', method, exe: who?.exe ?? null, launcher: who?.launcher_key ?? null } });
  const server = new RpcServer({ dispatch, events: core.events, limits: config.server, peers, onPeerChanged });
  const previousMask = process.umask(0o177);
  try {
    await server.listen(options.socketPath);
  } finally {
    process.umask(previousMask);
  }
  chmodSync(options.socketPath, 0o600);
  const agents = await openAgentSocket(config, { dispatch, events: core.events, limits: config.server, peers, onPeerChanged });
  core.agentSocket = agents?.state ?? null;
  if (agents?.state.problem) log.warn('the agent socket is not serving', { socket: agents.state.path, problem: agents.state.problem });
  else if (agents) log.info('serving agents', { socket: agents.state.path });
  core.start();
  log.info('serving', { socket: options.socketPath, data_dir: options.dataDir, protection: identity.protection });

  let stopping: Promise<void> | null = null;
  const stop = (reason: string) =>
    (stopping ??= (async () => {
      log.info('stopping', { reason });
      core.events.emit(makeEvent('daemon.stopping', { reason }, core.clock.now()));
      auditOrLog(core, { action: 'daemon.stopped', detail: { reason } });
      await Promise.all([server.close(), agents?.server?.close()]);
      await core.close();
      for (const path of [options.socketPath, agents?.server ? agents.state.path : null]) {
        try {
          if (path !== null) rmSync(path, { force: true });
        } catch (error) {
          // A read-only data dir keeps its socket file: the next daemon replaces a stale one.
          log.warn('could not remove the socket file', { socket: path, error: (error as Error).message });
        }
      }
      // Last: the next daemon may start once this one no longer serves the store or the socket.
      lock.release();
    })());
  return { core, dispatch, stop };
}

/**
 * Audits what happens whatever the disk does (a refused connection, a stop): a full or read-only disk
 * must not turn them into a crash or a daemon that cannot stop. The failure is logged instead.
 */
function auditOrLog(core: Core, entry: AuditInput): void {
  try {
    core.journal.run((tx) => tx.audit(entry));
  } catch (error) {
    log.error('could not write an audit entry', { action: entry.action, error: error instanceof Error ? error.message : String(error) });
  }
}
