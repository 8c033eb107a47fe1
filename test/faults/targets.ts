/**
 * What a crash loop kills and restarts: the headless daemon (`secrets serve --foreground`, a child
 * process) or the tray app, whose main process hosts the daemon (the built app under a fake
 * Electron, unlocked from its kept passphrase). Both are driven the same way: holders and agents over
 * the socket, the person through `admin` (an admin proof over the socket, or the app's UI service).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonError, type ErrorShape } from '../../shared/errors.js';
import type { ParamsOf, ResultOf } from '../../shared/protocol.js';
import type { UiMethod } from '../../shared/ui-service.js';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { adminCallOn } from '../helpers/admin.js';
import { type CliResult, PASSPHRASE, TestStore } from '../helpers/store.js';
import { type RunningApp, launchTrayApp } from '../helpers/tray-app.js';

export type TargetKind = 'daemon' | 'tray';

export interface CrashTarget {
  readonly kind: TargetKind;
  readonly home: string;
  readonly socket: string;
  /** Starts it on the data dir (again, after a kill) and resolves once it answers. */
  start(): Promise<void>;
  /** SIGKILL, and resolves once the process is gone. */
  kill(): Promise<void>;
  /** A call as the person. Rejects with `lost()` when the process dies before answering. */
  admin<M extends UiMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  cli(args: string[]): Promise<CliResult>;
  /** Stops it and removes its data dir. */
  cleanup(): Promise<void>;
}

/** The daemon died with the request unanswered: whether it applied is unknown. */
export function lost(): DaemonError {
  return new DaemonError('DAEMON_NOT_RUNNING', 'the process died before answering');
}

class DaemonTarget implements CrashTarget {
  readonly kind = 'daemon';
  private adminClient: RpcClient | null = null;

  constructor(private readonly store: TestStore) {}

  get home(): string {
    return this.store.home;
  }
  get socket(): string {
    return this.store.socket;
  }

  async start(): Promise<void> {
    await this.store.start();
    this.adminClient = await RpcClient.connect(this.socket);
  }

  async kill(): Promise<void> {
    await this.store.daemon?.stop('SIGKILL');
    this.adminClient?.close();
    this.adminClient = null;
  }

  admin<M extends UiMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    if (this.adminClient === null) return Promise.reject(lost());
    return adminCallOn(this.adminClient, method, params);
  }

  cli(args: string[]): Promise<CliResult> {
    return this.store.cli(args);
  }

  async cleanup(): Promise<void> {
    this.adminClient?.close();
    await this.store.daemon?.stop('SIGTERM');
    await this.store.cleanup();
  }
}

/** The passphrase as the app keeps it: sealed by the fake OS keychain (see tray-wiring.test.ts). */
const SEALED_PASSPHRASE = 'fake-keychain:' + Buffer.from(PASSPHRASE).toString('base64');

class TrayTarget implements CrashTarget {
  readonly kind = 'tray';
  private app: RunningApp | null = null;
  /** Rejects with lost() when the running app's process exits. */
  private exited: Promise<never> = new Promise(() => {});

  constructor(private readonly store: TestStore) {
    writeFileSync(join(store.home, 'passphrase.safe'), SEALED_PASSPHRASE, { mode: 0o600 });
  }

  get home(): string {
    return this.store.home;
  }
  get socket(): string {
    return this.store.socket;
  }

  async start(): Promise<void> {
    const app = launchTrayApp(this.store);
    this.app = app;
    this.exited = new Promise<never>((_, reject) => app.child.once('exit', () => reject(lost())));
    this.exited.catch(() => {});
    const died = (error: unknown) => {
      throw new Error(`the tray app failed to start (${(error as Error).message}): ${app.stderr}`);
    };
    await Promise.race([app.until((s) => s.channels.includes('ui:app.state'), 'the UI service', 30_000), this.exited]).catch(died);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = await Promise.race([app.invoke('ui:app.state', {}), this.exited]).catch(died);
      if (state.result?.phase === 'running') break;
      if (state.result !== undefined && state.result.phase !== 'unlock') throw new Error(`the tray app is at ${state.result.phase}: ${app.stderr}`);
      if (state.result?.note) throw new Error(`the tray app did not open the store: ${state.result.note}`);
      if (Date.now() > deadline) throw new Error(`the tray app did not start serving: ${JSON.stringify(state)} ${app.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async kill(): Promise<void> {
    await this.app?.stop();
    this.app = null;
  }

  async admin<M extends UiMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    if (this.app === null) throw lost();
    const reply = await Promise.race([this.app.invoke(`ui:${method}`, params), this.exited]);
    if (reply.error !== undefined) {
      const error = reply.error as ErrorShape;
      throw new DaemonError(error.code, error.message, error.hint);
    }
    return reply.result as ResultOf<M>;
  }

  cli(args: string[]): Promise<CliResult> {
    return this.store.cli(args);
  }

  async cleanup(): Promise<void> {
    await this.kill();
    await this.store.cleanup();
  }
}

/** A new store (scrypt work factor 10, `config`) and the target that serves it; not started yet. */
export async function createTarget(kind: TargetKind, config: object): Promise<CrashTarget> {
  const store = new TestStore({ autoApprove: false, config });
  await store.init();
  return kind === 'daemon' ? new DaemonTarget(store) : new TrayTarget(store);
}
