/**
 * The window's only way to the daemon (DESIGN.md §2 "The UI service"): `window.agentSecrets`, one
 * function per UI method, each bound to its own fixed IPC channel, plus `onEvent`. Nothing else
 * crosses: no generic invoke, no `ipcRenderer`, no raw IPC event (its `sender` would hand the page an
 * IPC handle). What the main process does with a call, and whether it accepts the sender, is decided
 * there (window-policy.ts `isTrustedSender`).
 *
 * Runs sandboxed: built into one CommonJS file (dist/preload.cjs) whose only import is `electron`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DaemonEvent, ParamsOf, ResultOf } from '../../shared/protocol.js';
import { type AppCalls, type AppMethod, UI_EVENT_CHANNEL, type UiMethod, type UiReply, type UiService, uiChannel, unwrapUiReply } from '../../shared/ui-service.js';

/** The page-side function of one UI method: forwards its params, and only them, on its own channel. */
function call<M extends UiMethod>(method: M): (params: ParamsOf<M>) => Promise<ResultOf<M>> {
  const channel = uiChannel(method);
  return async (params) => unwrapUiReply((await ipcRenderer.invoke(channel, params)) as UiReply) as ResultOf<M>;
}

/** The page-side function of one app method (first run, settings of this computer), on its own channel. */
function callApp<M extends AppMethod>(method: M): AppCalls[M] {
  const channel = uiChannel(method);
  return (async (params: unknown) => unwrapUiReply((await ipcRenderer.invoke(channel, params)) as UiReply)) as AppCalls[M];
}

function onEvent(listener: (event: DaemonEvent) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
  const forward = (_event: IpcRendererEvent, payload: DaemonEvent): void => listener(payload);
  ipcRenderer.on(UI_EVENT_CHANNEL, forward);
  return () => {
    ipcRenderer.removeListener(UI_EVENT_CHANNEL, forward);
  };
}

// Spelled out rather than generated from UI_METHODS: `satisfies` then proves every method is here with
// its own types, and a new UI method fails the type check until it is exposed on purpose.
const api = {
  status: call('status'),
  'secrets.list': call('secrets.list'),
  'secrets.add': call('secrets.add'),
  'secrets.set': call('secrets.set'),
  'secrets.remove': call('secrets.remove'),
  'secrets.rotate': call('secrets.rotate'),
  'lease.list': call('lease.list'),
  'lease.revoke': call('lease.revoke'),
  'requests.list': call('requests.list'),
  'requests.approve': call('requests.approve'),
  'requests.deny': call('requests.deny'),
  'clients.list': call('clients.list'),
  'clients.allow': call('clients.allow'),
  'clients.forget': call('clients.forget'),
  'clients.revoke': call('clients.revoke'),
  'audit.query': call('audit.query'),
  'audit.verify': call('audit.verify'),
  'killswitch.engage': call('killswitch.engage'),
  'killswitch.disengage': call('killswitch.disengage'),
  'confirmations.list': call('confirmations.list'),
  'confirmations.decide': call('confirmations.decide'),
  'app.state': callApp('app.state'),
  'app.createStore': callApp('app.createStore'),
  'app.unlock': callApp('app.unlock'),
  'app.takeOver': callApp('app.takeOver'),
  'app.installCli': callApp('app.installCli'),
  'app.setStartAtLogin': callApp('app.setStartAtLogin'),
  onEvent,
} satisfies UiService;

contextBridge.exposeInMainWorld('agentSecrets', api);
