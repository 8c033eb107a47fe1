/**
 * The window's API (`window.agentSecrets`): one function per UI method, each bound to its own fixed
 * channel, plus `onEvent`. The preload gives it Electron's IPC (preload.ts); the browser tests give it
 * a channel to the same app under test, so the page runs this very code either way.
 *
 * Nothing else crosses: no generic invoke, no raw IPC event (its `sender` would hand the page an IPC
 * handle). What the main process does with a call, and whether it accepts the sender, is decided
 * there (window-policy.ts `isTrustedSender`).
 */
import type { DaemonEvent, ParamsOf, ResultOf } from '../../shared/protocol.js';
import { type AppCalls, type AppMethod, type UiMethod, type UiReply, type UiService, uiChannel, unwrapUiReply } from '../../shared/ui-service.js';

/** Sends the params of one call on a channel and answers with the main process's reply envelope. */
export type Invoke = (channel: string, params: unknown) => Promise<UiReply>;
/** Follows daemon events as the main process broadcasts them; returns the unsubscribe function. */
export type Subscribe = (listener: (event: DaemonEvent) => void) => () => void;

export function createBridgeApi(invoke: Invoke, subscribe: Subscribe): UiService {
  /** The page-side function of one UI method: forwards its params, and only them, on its own channel. */
  const call = <M extends UiMethod>(method: M): ((params: ParamsOf<M>) => Promise<ResultOf<M>>) => {
    const channel = uiChannel(method);
    return async (params) => unwrapUiReply(await invoke(channel, params)) as ResultOf<M>;
  };
  /** The page-side function of one app method (first run, settings of this computer). */
  const callApp = <M extends AppMethod>(method: M): AppCalls[M] => {
    const channel = uiChannel(method);
    return (async (params: unknown) => unwrapUiReply(await invoke(channel, params))) as AppCalls[M];
  };
  const onEvent = (listener: (event: DaemonEvent) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    return subscribe((event) => listener(event));
  };

  // Spelled out rather than generated from UI_METHODS: `satisfies` then proves every method is here
  // with its own types, and a new UI method fails the type check until it is exposed on purpose.
  return {
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
    'config.get': call('config.get'),
    'config.set': call('config.set'),
    'app.state': callApp('app.state'),
    'app.createStore': callApp('app.createStore'),
    'app.unlock': callApp('app.unlock'),
    'app.takeOver': callApp('app.takeOver'),
    'app.installCli': callApp('app.installCli'),
    'app.startAtLogin': callApp('app.startAtLogin'),
    'app.setStartAtLogin': callApp('app.setStartAtLogin'),
    onEvent,
  } satisfies UiService;
}
