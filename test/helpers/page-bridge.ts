/**
 * Runs in the page (bundled by browser-app.ts as an init script): `window.agentSecrets` built by the
 * preload's own bridge-api.ts, its channel a Playwright binding to the app under test instead of
 * Electron's IPC, its events delivered by the test as the app broadcasts them.
 */
import { createBridgeApi } from '../../electron/preload/bridge-api.js';
import type { DaemonEvent } from '../../shared/protocol.js';
import type { UiReply } from '../../shared/ui-service.js';

interface PageGlobals {
  agentSecrets: unknown;
  /** The binding to the app: JSON text both ways (see browser-app.ts). */
  __agentSecretsInvoke(channel: string, params: string): Promise<string>;
  __agentSecretsDeliver(event: DaemonEvent): void;
}

const page = globalThis as unknown as PageGlobals;
const listeners = new Set<(event: DaemonEvent) => void>();
page.agentSecrets = Object.freeze(
  createBridgeApi(
    async (channel, params) => JSON.parse(await page.__agentSecretsInvoke(channel, JSON.stringify(params ?? null))) as UiReply,
    (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  ),
);
page.__agentSecretsDeliver = (event) => {
  for (const listener of listeners) listener(event);
};
