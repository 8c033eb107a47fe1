/**
 * The window's only way to the daemon (DESIGN.md §2 "The UI service"): `window.agentSecrets`, built by
 * bridge-api.ts over Electron's IPC. Only `ipcRenderer.invoke` on the fixed channels and the event
 * channel are used; the raw IPC event never reaches the page.
 *
 * Runs sandboxed: built into one CommonJS file (dist/preload.cjs) whose only import is `electron`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DaemonEvent } from '../../shared/protocol.js';
import { UI_EVENT_CHANNEL, type UiReply } from '../../shared/ui-service.js';
import { createBridgeApi } from './bridge-api.js';

const api = createBridgeApi(
  (channel, params) => ipcRenderer.invoke(channel, params) as Promise<UiReply>,
  (listener) => {
    const forward = (_event: IpcRendererEvent, payload: DaemonEvent): void => listener(payload);
    ipcRenderer.on(UI_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(UI_EVENT_CHANNEL, forward);
    };
  },
);

contextBridge.exposeInMainWorld('agentSecrets', api);
