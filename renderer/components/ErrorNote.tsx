/** An error where it happened: what went wrong and what to do, read out by screen readers. */
import type { UiError } from '../store/ui-error.js';

export function ErrorNote({ error, onRetry }: { error: UiError | null; onRetry?: () => void }) {
  if (error === null) return null;
  return (
    <div role="alert" className="error-note">
      <strong>{error.message}</strong>
      {error.hint !== undefined && <span className="hint"> — {error.hint}</span>}
      {onRetry !== undefined && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
