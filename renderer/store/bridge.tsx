/**
 * The window's one way to the daemon: the UI service (shared/ui-service.ts) the preload exposes as
 * `window.agentSecrets`. Views take it from context, so component tests hand them a fake.
 */
import { createContext, type ReactNode, useContext } from 'react';
import type { UiService } from '../../shared/ui-service.js';

declare global {
  interface Window {
    agentSecrets?: UiService;
  }
}

/** The preload's bridge, or an error that says what is wrong (a page opened outside the app). */
export function windowBridge(): UiService {
  const bridge = window.agentSecrets;
  if (bridge === undefined) throw new Error('window.agentSecrets is missing: this page only works inside the Agent Secrets app');
  return bridge;
}

const BridgeContext = createContext<UiService | null>(null);

export function BridgeProvider({ bridge, children }: { bridge: UiService; children: ReactNode }) {
  return <BridgeContext.Provider value={bridge}>{children}</BridgeContext.Provider>;
}

export function useBridge(): UiService {
  const bridge = useContext(BridgeContext);
  if (bridge === null) throw new Error('useBridge outside <BridgeProvider>');
  return bridge;
}
