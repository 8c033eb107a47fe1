/**
 * The UI service (shared/ui-service.ts) implemented over the daemon running in this process. The
 * window is the person: its calls reach the dispatch as the `ipc` transport, which counts as admin
 * proof, so this object must only ever be handed to the app's own page (the adapter checks the
 * sender of every IPC call; the browser tests bind it to their page directly).
 */
import type { DaemonEvent, MethodName, ParamsOf, ResultOf } from '../../shared/protocol.js';
import { UI_METHODS, type UiCalls, type UiMethod, type UiService } from '../../shared/ui-service.js';

/** The slice of a running daemon the UI service needs (`RunningDaemon` from electron/daemon). */
export interface DaemonHandle {
  dispatch(caller: { transport: 'ipc' }, method: string, params: unknown): Promise<unknown>;
  core: { events: { subscribe(listener: (event: DaemonEvent) => void): () => void }; config: { file: { killswitch_shortcut?: string } } };
}

export function createUiService(daemon: DaemonHandle): UiService {
  const call = <M extends MethodName>(method: M, params: ParamsOf<M>) => daemon.dispatch({ transport: 'ipc' }, method, params) as Promise<ResultOf<M>>;
  const calls = Object.fromEntries(UI_METHODS.map((method) => [method, (params: never) => call(method, params ?? ({} as never))])) as unknown as UiCalls;
  return {
    ...calls,
    onEvent: (listener) => daemon.core.events.subscribe(listener),
  };
}

/** Runs one UI method by name, for transports that carry the name (the IPC adapter, browser tests). */
export function callUi(service: UiService, method: UiMethod, params: unknown): Promise<unknown> {
  return (service[method] as (p: unknown) => Promise<unknown>)(params);
}
