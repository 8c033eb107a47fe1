/**
 * A person's action (revoke, save, rotate…): busy while it runs, its error kept to be shown next to the
 * control that started it, never swallowed.
 */
import { useCallback, useRef, useState } from 'react';
import { type UiError, toUiError } from '../store/ui-error.js';

export interface Action<A extends unknown[]> {
  run(...args: A): Promise<boolean>;
  busy: boolean;
  error: UiError | null;
  clearError(): void;
}

export function useAction<A extends unknown[]>(perform: (...args: A) => Promise<unknown>): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const latest = useRef(perform);
  latest.current = perform;
  const run = useCallback(async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      await latest.current(...args);
      return true;
    } catch (caught) {
      setError(toUiError(caught));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { run, busy, error, clearError };
}
