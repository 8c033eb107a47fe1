/**
 * What went wrong, as the window shows it. The bridge rejects with the daemon's `{code, message, hint}`
 * (shared/ui-service.ts `unwrapUiReply`); anything else is a bug in the window, shown as such.
 */
import type { ErrorShape } from '../../shared/errors.js';

export type UiError = ErrorShape;

export function toUiError(error: unknown): UiError {
  if (typeof error === 'object' && error !== null && typeof (error as UiError).code === 'string' && typeof (error as UiError).message === 'string') {
    const { code, message, hint } = error as UiError;
    return (hint === undefined ? { code, message } : { code, message, hint }) as UiError;
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), hint: 'reload the window (Ctrl+R); if it happens again, see the app log' };
}
