/**
 * Time left until `until`, ticking once a second on the shared clock. Only this element re-renders as
 * time passes, so a table of a thousand leases is rendered once, not once a second.
 */
import { type Ticker, useNow } from '../store/clock.js';
import { formatRemaining } from './format.js';

export function Countdown({ until, label, ticker }: { until: string; label?: string; ticker?: Ticker }) {
  const now = useNow(ticker);
  const left = new Date(until).getTime() - now;
  return (
    <time dateTime={until} className={left <= 30_000 ? 'countdown countdown-soon' : 'countdown'} aria-label={label === undefined ? undefined : `${label}: ${formatRemaining(left)}`}>
      {formatRemaining(left)}
    </time>
  );
}
