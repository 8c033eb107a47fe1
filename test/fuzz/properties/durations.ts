/**
 * Go-style durations (shared/durations.ts): any text parses to a duration in range or fails with
 * INVALID_DURATION (never another throw), and what parses formats back to text that parses to the
 * same number of milliseconds.
 */
import fc from 'fast-check';
import { isDaemonError } from '../../../shared/errors.js';
import { formatDuration, parseDuration, tryParseDuration } from '../../../shared/durations.js';
import { hostileString } from '../hostile.js';
import { type FuzzSettings, parameters } from '../settings.js';

const DAY_MS = 24 * 3_600_000;

/** Durations as people write them, and nearly so. */
const durationText = fc.oneof(
  fc.array(fc.tuple(fc.oneof(fc.nat(100_000).map(String), fc.double({ min: 0, max: 1000, noNaN: true }).map(String)), fc.constantFrom('ms', 's', 'm', 'h', 'd', '', ' ')), { minLength: 1, maxLength: 4 }).map((parts) => parts.map(([n, u]) => `${n}${u}`).join('')),
  hostileString,
);

export function durationsParseAndRoundTrip(settings: FuzzSettings): void {
  fc.assert(
    fc.property(durationText, fc.integer({ min: 1000, max: 365 * DAY_MS }), (text, maxMs) => {
      let ms: number;
      try {
        ms = parseDuration(text, '--ttl', maxMs);
      } catch (error) {
        if (!isDaemonError(error) || error.code !== 'INVALID_DURATION') throw error;
        return;
      }
      if (!(ms >= 1000 && ms <= maxMs)) throw new Error(`${JSON.stringify(text)} gave ${ms} ms, outside 1s..${maxMs}ms`);
      const formatted = formatDuration(ms);
      if (tryParseDuration(formatted) !== ms) throw new Error(`${JSON.stringify(text)} = ${ms} ms formats as ${formatted}, which parses to ${tryParseDuration(formatted)}`);
    }),
    parameters(settings),
  );
}
