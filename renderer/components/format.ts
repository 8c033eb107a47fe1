/** How times and durations read in the window: local time for people, never raw ISO strings. */

// Made once: `toLocaleTimeString` builds a new Intl formatter on every call (about half a millisecond
// in Chromium), which is most of the first render of a thousand lease rows. Same options, same text.
const timeToday = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: 'numeric', second: 'numeric', hour12: false });
const timeOtherDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false });

/** "14:03:27" today, "27 Nov 14:03" on another day. */
export function formatTime(iso: string | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return (sameDay ? timeToday : timeOtherDay).format(date);
}

/** A remaining time as "1h 02m", "4m 05s", "9s"; "expired" at or below zero. */
export function formatRemaining(ms: number): string {
  if (ms <= 0) return 'expired';
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}
