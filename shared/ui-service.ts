/**
 * The UI service: what the tray app's windows may ask of the daemon (DESIGN.md §2 "The UI service").
 * One typed object, implemented in Electron main over the in-process daemon
 * (electron/main/ui-service.ts); the preload exposes exactly these methods, one IPC channel each, and
 * the browser tests bind the same object to the page. Each method is a protocol method, so its params
 * and result types come from shared/protocol.ts; the window acts as the person (admin), which is why
 * only the app's own page may call it.
 */
import { type ErrorShape, isDaemonError } from './errors.js';
import type { DaemonEvent, MethodName, ParamsOf, ResultOf } from './protocol.js';

export const UI_METHODS = [
  'status',
  'secrets.list',
  'secrets.add',
  'secrets.set',
  'secrets.remove',
  'secrets.rotate',
  'lease.list',
  'lease.revoke',
  'requests.list',
  'requests.approve',
  'requests.deny',
  'clients.list',
  'clients.allow',
  'clients.forget',
  'clients.revoke',
  'audit.query',
  'audit.verify',
  'killswitch.engage',
  'killswitch.disengage',
  'confirmations.list',
  'confirmations.decide',
  'config.get',
  'config.set',
] as const satisfies readonly MethodName[];

export type UiMethod = (typeof UI_METHODS)[number];

export type UiCalls = { [M in UiMethod]: (params: ParamsOf<M>) => Promise<ResultOf<M>> };

/**
 * The app itself, not the daemon: what the window should show before the daemon runs (create the
 * store, unlock it, take over a headless daemon) and the settings that live on this computer.
 */
export interface AppState {
  phase: 'create-store' | 'unlock' | 'take-over-headless' | 'running';
  store: 'none' | 'passphrase' | 'insecure-keyfile';
  /** Whether "Remember on this computer" may be offered next to the passphrase, and why not. */
  remember: { allowed: boolean; why?: string };
  /** Shown with the passphrase field or the take-over question. */
  note?: string;
  /** What the first run offers once the store exists. */
  offers: ('install-cli' | 'start-at-login')[];
}

export interface CliInstall {
  installed: boolean;
  path: string | null;
  /** What the person should do next (add the folder to PATH, install Node ≥ 20, …). */
  hint?: string;
}

export const APP_METHODS = ['app.state', 'app.createStore', 'app.unlock', 'app.takeOver', 'app.installCli', 'app.startAtLogin', 'app.setStartAtLogin'] as const;
export type AppMethod = (typeof APP_METHODS)[number];

export interface AppCalls {
  'app.state'(params: Record<string, never>): Promise<AppState>;
  'app.createStore'(params: { passphrase: string; remember: boolean }): Promise<AppState>;
  'app.unlock'(params: { passphrase: string; remember: boolean }): Promise<AppState>;
  'app.takeOver'(params: Record<string, never>): Promise<AppState>;
  'app.installCli'(params: Record<string, never>): Promise<CliInstall>;
  /** Whether the app starts when the person logs in (the autostart entry, or the OS login item). */
  'app.startAtLogin'(params: Record<string, never>): Promise<{ enabled: boolean }>;
  'app.setStartAtLogin'(params: { enabled: boolean }): Promise<{ enabled: boolean }>;
}

export interface UiService extends UiCalls, AppCalls {
  /** Daemon events as they happen (never polled); returns the unsubscribe function. */
  onEvent(listener: (event: DaemonEvent) => void): () => void;
}

/** The IPC channel of a UI method (`ui:lease.list`): one per method, never a generic invoke. */
export function uiChannel(method: UiMethod | AppMethod): string {
  return `ui:${method}`;
}

/** The channel daemon events reach the window on. */
export const UI_EVENT_CHANNEL = 'ui:event';

/**
 * What crosses IPC for one call. Electron flattens a thrown error into a message, losing its code and
 * hint; the window needs them to say what happened and what to do, so the answer travels as a value.
 */
export type UiReply = { ok: true; result: unknown } | { ok: false; error: ErrorShape };

export function uiSuccess(result: unknown): UiReply {
  return { ok: true, result };
}

/** A DaemonError's code, message and hint; anything else becomes INTERNAL without its message. */
export function uiFailure(error: unknown): UiReply {
  if (isDaemonError(error)) return { ok: false, error: error.toShape() };
  return { ok: false, error: { code: 'INTERNAL', message: 'internal error', hint: 'see the app log' } };
}

/**
 * The page side: the result, or a rejection with the error's `{code, message, hint}` as a plain object —
 * contextBridge copies a plain object whole into the page, but not the own fields of an Error.
 */
export function unwrapUiReply(reply: UiReply): unknown {
  if (reply.ok) return reply.result;
  throw { ...reply.error };
}
