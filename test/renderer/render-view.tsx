/**
 * Renders a view the way the dashboard does: inside the bridge and a daemon store fed by the fake
 * bridge. Returns the store too, for tests that reload or close it.
 */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { BridgeProvider } from '../../renderer/store/bridge.js';
import { createDaemonStore } from '../../renderer/store/daemon-store.js';
import { StoreProvider } from '../../renderer/store/use-daemon.js';
import type { FakeBridge } from './fake-bridge.js';

export function renderWithStore(fake: FakeBridge, view: ReactElement) {
  const store = createDaemonStore(fake.bridge);
  const result = render(
    <BridgeProvider bridge={fake.bridge}>
      <StoreProvider store={store}>{view}</StoreProvider>
    </BridgeProvider>,
  );
  return { ...result, store };
}
