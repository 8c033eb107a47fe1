/**
 * The UI service (shared/ui-service.ts) implemented over the daemon running in this process and the
 * app's own lifecycle. The window is the person: its daemon calls reach the dispatch as the `ipc`
 * transport, which counts as admin proof, so this object must only ever be handed to the app's own
 * page (the adapter checks the sender of every IPC call; the browser tests bind it to their page
 * directly).
 */
import { DaemonError } from '../../shared/errors.js';
import type { DaemonEvent, MethodName, ParamsOf, ResultOf } from '../../shared/protocol.js';
import { APP_METHODS, type AppCalls, type AppMethod, UI_METHODS, type UiCalls, type UiMethod, type UiService } from '../../shared/ui-service.js';

/** The slice of a running daemon the UI service needs (`RunningDaemon` from electron/daemon). */
export interface DaemonHandle {
  dispatch(caller: { transport: 'ipc' }, method: string, params: unknown): Promise<unknown>;
  core: {
    events: { subscribe(listener: (event: DaemonEvent) => void): () => void };
    config: { file: { killswitch_shortcut?: string } };
    /** The daemon's own time (steady-clock.ts), which expiries are dated by. */
    clock: { now(): number };
  };
}

export interface UiSource {
  /** The daemon, or null while the store is not open yet (first run, waiting for the passphrase). */
  daemon(): DaemonHandle | null;
  app: AppCalls;
  /** Daemon events, whichever daemon runs. */
  subscribe(listener: (event: DaemonEvent) => void): () => void;
}

function notRunning(): DaemonError {
  return new DaemonError('DAEMON_NOT_RUNNING', 'the store is not open yet', 'open it in the window first (create it, or type its passphrase)');
}

export function createUiService(source: UiSource): UiService {
  const call = <M extends MethodName>(method: M, params: ParamsOf<M>) => {
    const daemon = source.daemon();
    if (daemon === null) return Promise.reject(notRunning());
    return daemon.dispatch({ transport: 'ipc' }, method, params ?? {}) as Promise<ResultOf<M>>;
  };
  const calls = Object.fromEntries(UI_METHODS.map((method) => [method, (params: never) => call(method, params)])) as unknown as UiCalls;
  const app = Object.fromEntries(APP_METHODS.map((method) => [method, (params: never) => (source.app[method] as (p: unknown) => Promise<unknown>).call(source.app, params ?? {})])) as unknown as AppCalls;
  return { ...calls, ...app, onEvent: (listener) => source.subscribe(listener) };
}

/** Runs one UI method by name, for transports that carry the name (the IPC adapter, browser tests). */
export function callUi(service: UiService, method: UiMethod | AppMethod, params: unknown): Promise<unknown> {
  return (service[method] as (p: unknown) => Promise<unknown>)(params);
}
