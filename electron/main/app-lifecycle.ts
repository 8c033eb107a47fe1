/**
 * Getting the daemon running inside the app (DESIGN.md §3, §6): take over a headless daemon already
 * serving this data dir (only when the person says so), create the store on the first run, unlock it
 * with the passphrase the keychain keeps or the one the person types, and remember it only where an
 * OS keyring protects it (first-run.ts decides). Until the daemon runs, the window shows what
 * `state()` says and the tray shows that nothing is served.
 */
import { DaemonError } from '../../shared/errors.js';
import { MIN_PASSPHRASE_LENGTH } from '../../shared/names.js';
import type { AppCalls, AppState, CliInstall } from '../../shared/ui-service.js';
import { type FirstRunStep, type StoreKind, firstRunSteps, rememberPolicy } from './first-run.js';
import { type Sealer, loadSavedPassphrase, savePassphrase } from './passphrase-keeper.js';
import type { DaemonHandle } from './ui-service.js';

export type RunningDaemon = DaemonHandle & { stop(reason: string): Promise<void> };

/** What the app needs from electron/daemon (its bundle is loaded at run time). */
export interface DaemonModule {
  detectProtection(dataDir: string): StoreKind | null;
  startDaemon(options: { dataDir: string; socketPath: string; passphrase?: string; confirmAdminInWindow?: boolean }): Promise<RunningDaemon>;
  initStore(dataDir: string, protection: { kind: 'passphrase'; passphrase: string }): Promise<unknown>;
}

export interface LifecycleDeps {
  dataDir: string;
  socketPath: string;
  daemonModule: DaemonModule;
  /** The keychain, or null where none may hold the passphrase. */
  sealer: Sealer | null;
  /** What safeStorage reports, for first-run.ts's rule. */
  keychain: { available: boolean; backend: string };
  /** A `secrets serve` daemon answers on this data dir's socket. */
  headlessRunning(): Promise<boolean>;
  /** Stops it and resolves once its socket and lock are free. */
  stopHeadless(): Promise<void>;
  installCli(): Promise<CliInstall>;
  startAtLogin(): Promise<boolean>;
  setStartAtLogin(enabled: boolean): Promise<boolean>;
  /** The daemon runs: the composition binds the tray, the events and the window to it. */
  onRunning(daemon: RunningDaemon): void;
}

export class AppLifecycle implements AppCalls {
  private daemon: RunningDaemon | null = null;
  private current: AppState = { phase: 'unlock', store: 'none', remember: { allowed: false }, offers: [] };

  constructor(private readonly deps: LifecycleDeps) {}

  /** The running daemon, or null before it starts. */
  get running(): RunningDaemon | null {
    return this.daemon;
  }

  /** Decides the first step and takes it when it needs nobody (a kept passphrase, a key file). */
  async begin(): Promise<AppState> {
    const store = this.deps.daemonModule.detectProtection(this.deps.dataDir) ?? 'none';
    const saved = this.deps.sealer === null ? { kind: 'none' as const } : await loadSavedPassphrase(this.deps.dataDir, this.deps.sealer);
    const steps = firstRunSteps({
      store,
      savedPassphrase: saved.kind,
      safeStorage: this.deps.keychain,
      headlessDaemonRunning: await this.deps.headlessRunning(),
    });
    const remember = rememberPolicy(this.deps.keychain);
    const base = { store, remember: remember.allowed ? { allowed: true } : { allowed: false, why: remember.why }, offers: offersOf(steps) };
    const first = steps[0]!;
    switch (first.kind) {
      case 'take-over-headless':
        return (this.current = { ...base, phase: 'take-over-headless', note: first.message });
      case 'create-store':
        return (this.current = { ...base, phase: 'create-store', ...(first.note ? { note: first.note } : {}) });
      case 'adopt-insecure-keyfile':
        await this.start(undefined);
        return (this.current = { ...base, phase: 'running', note: first.warn });
      case 'unlock':
        if (first.from === 'saved' && saved.kind === 'present') {
          try {
            await this.start(saved.passphrase);
            return (this.current = { ...base, phase: 'running' });
          } catch (error) {
            if (!isWrongPassphrase(error)) throw error;
            return (this.current = { ...base, phase: 'unlock', note: 'The saved passphrase no longer opens the store (was it changed?). Type it again.' });
          }
        }
        return (this.current = { ...base, phase: 'unlock', ...(first.note ? { note: first.note } : {}) });
      default:
        throw new DaemonError('INTERNAL', `unexpected first step ${first.kind}`);
    }
  }

  async 'app.state'(): Promise<AppState> {
    return this.current;
  }

  /** @throws DaemonError INVALID_VALUE for a short passphrase; STORE_EXISTS when there is a store already. */
  async 'app.createStore'(params: { passphrase: string; remember: boolean }): Promise<AppState> {
    this.expect('create-store');
    const passphrase = checkPassphrase(params.passphrase);
    await this.deps.daemonModule.initStore(this.deps.dataDir, { kind: 'passphrase', passphrase });
    await this.start(passphrase);
    await this.keep(passphrase, params.remember);
    return (this.current = { ...this.current, store: 'passphrase', phase: 'running', note: undefined });
  }

  /** @throws DaemonError PASSPHRASE_INCORRECT (nothing changes: type it again). */
  async 'app.unlock'(params: { passphrase: string; remember: boolean }): Promise<AppState> {
    this.expect('unlock');
    const passphrase = checkPassphrase(params.passphrase, 1);
    await this.start(passphrase);
    await this.keep(passphrase, params.remember);
    return (this.current = { ...this.current, phase: 'running', note: undefined });
  }

  /** Stops the headless daemon and goes on as if it had never run. */
  async 'app.takeOver'(): Promise<AppState> {
    this.expect('take-over-headless');
    await this.deps.stopHeadless();
    return this.begin();
  }

  'app.installCli'(): Promise<CliInstall> {
    return this.deps.installCli();
  }

  async 'app.startAtLogin'(): Promise<{ enabled: boolean }> {
    return { enabled: await this.deps.startAtLogin() };
  }

  async 'app.setStartAtLogin'(params: { enabled: boolean }): Promise<{ enabled: boolean }> {
    if (typeof params?.enabled !== 'boolean') throw new DaemonError('INVALID_PARAMS', 'enabled must be true or false');
    return { enabled: await this.deps.setStartAtLogin(params.enabled) };
  }

  async stop(reason: string): Promise<void> {
    await this.daemon?.stop(reason);
  }

  private async start(passphrase: string | undefined): Promise<void> {
    const { dataDir, socketPath } = this.deps;
    this.daemon = await this.deps.daemonModule.startDaemon({ dataDir, socketPath, passphrase, confirmAdminInWindow: true });
    this.deps.onRunning(this.daemon);
  }

  /** Saved only where an OS keyring protects it, and only when the person asked. */
  private async keep(passphrase: string, remember: boolean): Promise<void> {
    if (remember && this.current.remember.allowed && this.deps.sealer !== null) await savePassphrase(this.deps.dataDir, this.deps.sealer, passphrase);
  }

  /** @throws DaemonError INVALID_REQUEST when the window asks for a step that is not the current one. */
  private expect(phase: AppState['phase']): void {
    if (this.current.phase !== phase) throw new DaemonError('INVALID_REQUEST', `the app is at "${this.current.phase}", not "${phase}"`, 'ask app.state for what to show');
  }
}

function offersOf(steps: FirstRunStep[]): AppState['offers'] {
  return steps.flatMap((s) => (s.kind === 'offer-cli-install' ? ['install-cli' as const] : s.kind === 'offer-start-at-login' ? ['start-at-login' as const] : []));
}

function isWrongPassphrase(error: unknown): boolean {
  return error instanceof Error && (error as { code?: string }).code === 'PASSPHRASE_INCORRECT';
}

/** @throws DaemonError INVALID_VALUE */
function checkPassphrase(value: unknown, minLength = MIN_PASSPHRASE_LENGTH): string {
  if (typeof value !== 'string' || value.length < minLength || value.length > 4096) {
    throw new DaemonError('INVALID_VALUE', minLength > 1 ? `a passphrase has at least ${minLength} characters` : 'type the store passphrase', 'choose a long passphrase you can remember; it opens every secret');
  }
  return value;
}
