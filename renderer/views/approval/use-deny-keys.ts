/**
 * Deny is the default answer (DESIGN.md §6): Escape always denies, and Enter denies unless the focus
 * is on an enabled Allow control, where the browser's own activation applies. A keystroke meant for
 * another window that lands here can therefore only ever deny.
 */
import { type RefObject, useEffect, useRef } from 'react';

/** True when `target` is a control inside `allowArea` that can act (native Enter applies to it). */
function isEnabledAllowControl(target: EventTarget | null, allowArea: HTMLElement | null): boolean {
  if (!(target instanceof HTMLElement) || allowArea === null || !allowArea.contains(target)) return false;
  return !(target as HTMLButtonElement).disabled;
}

/** While `active`, Escape and Enter (outside enabled Allow controls) call `deny` instead of their default. */
export function useDenyKeys(active: boolean, deny: () => void, allowArea: RefObject<HTMLElement | null>): void {
  const latest = useRef(deny);
  latest.current = deny;
  useEffect(() => {
    if (!active) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.isComposing) return;
      if (event.key === 'Escape' || (event.key === 'Enter' && !isEnabledAllowControl(event.target, allowArea.current))) {
        // Also stops Enter's native click on whatever else has focus: one keystroke, one decision.
        event.preventDefault();
        latest.current();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [active, allowArea]);
}
