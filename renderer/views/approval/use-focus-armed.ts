/**
 * The approval window's guard against a click or keystroke meant for another window: the Allow
 * controls arm only after the window has been focused for one continuous second (DESIGN.md §6). The
 * window is shown without taking focus, so a person typing elsewhere who clicks or presses a key as it
 * appears cannot allow anything; losing focus disarms at once and the next focus starts the wait anew.
 */
import { useEffect, useState } from 'react';

export const ARM_DELAY_MS = 1000;

/** Whether the window has held the focus for `delayMs` without interruption, until it loses it. */
export function useFocusArmed(delayMs: number = ARM_DELAY_MS): boolean {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const disarm = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      setArmed(false);
    };
    const startWaiting = () => {
      disarm();
      timer = setTimeout(() => {
        timer = null;
        setArmed(true);
      }, delayMs);
    };
    // Focus that came before the listeners exist counts from mount: hasFocus() tells us it is there.
    if (document.hasFocus()) startWaiting();
    window.addEventListener('focus', startWaiting);
    window.addEventListener('blur', disarm);
    return () => {
      window.removeEventListener('focus', startWaiting);
      window.removeEventListener('blur', disarm);
      if (timer !== null) clearTimeout(timer);
    };
  }, [delayMs]);
  return armed;
}
