/** A slice of the daemon store: a loading line, its error with Retry, or the view of its data. */
import type { ReactNode } from 'react';
import type { Load } from '../store/daemon-store.js';
import { ErrorNote } from './ErrorNote.js';

export function Loaded<T>({ load, what, onRetry, children }: { load: Load<T>; what: string; onRetry: () => void; children: (data: T) => ReactNode }) {
  if (load.state === 'loading') return <p role="status" className="loading">Loading {what}…</p>;
  if (load.state === 'error') return <ErrorNote error={load.error} onRetry={onRetry} />;
  return <>{children(load.data)}</>;
}
