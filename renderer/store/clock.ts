/**
 * One shared clock that ticks once a second, for countdowns. A countdown cell subscribes to it; the
 * rows and tables around it are memoised and never re-render because time passed.
 */
import { useSyncExternalStore } from 'react';

type Listener = () => void;

export interface Ticker {
  now(): number;
  subscribe(listener: Listener): () => void;
}

/** Ticks on the second boundary while anybody listens, and not at all otherwise. Reads Date.now at each
 * tick (not a reference taken at load), so tests with fake timers control it. */
export function createTicker(readNow: () => number = () => Date.now()): Ticker {
  const listeners = new Set<Listener>();
  let current = readNow();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    timer = setTimeout(() => {
      current = readNow();
      for (const listener of listeners) listener();
      schedule();
    }, 1000 - (readNow() % 1000));
  };
  return {
    now: () => current,
    subscribe(listener) {
      listeners.add(listener);
      if (timer === null) {
        current = readNow();
        schedule();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer !== null) {
          clearTimeout(timer);
          timer = null;
        }
      };
    },
  };
}

const sharedTicker = createTicker();

/** The current time in ms, updated once a second (re-renders only the component that calls it). */
export function useNow(ticker: Ticker = sharedTicker): number {
  return useSyncExternalStore(ticker.subscribe, ticker.now);
}
