/** The daemon store in React: one store per window, read through selectors. */
import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { DaemonStore, Snapshot } from './daemon-store.js';

const StoreContext = createContext<DaemonStore | null>(null);

export function StoreProvider({ store, children }: { store: DaemonStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useStore(): DaemonStore {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useStore outside <StoreProvider>');
  return store;
}

/**
 * A slice of the snapshot (or anything derived from it by identity): the component re-renders only
 * when what the selector returns changes. Selectors must return existing objects, not new ones.
 */
export function useDaemon<T>(select: (snapshot: Snapshot) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getSnapshot()));
}

/** Whether the daemon refuses leases now: the killswitch engaged or the store locked. */
export function useLocked(): boolean {
  return useDaemon((s) => s.status.state === 'ready' && (s.status.data.locked || s.status.data.killswitch.engaged));
}
