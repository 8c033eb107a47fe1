/**
 * Go-style durations ("90s", "30m", "1h30m", "250ms"), the format the original agent-secrets used.
 * Parsing returns milliseconds; anything zero, negative or malformed is a DaemonError
 * (INVALID_DURATION, exit 2) whose hint names the allowed range.
 */
import { DaemonError } from './errors.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/** Parses without range checks; returns null when `text` is not a duration. */
export function tryParseDuration(text: string): number | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return null;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = PART.exec(text); match !== null; match = PART.exec(text)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = PART.lastIndex;
  }
  if (consumed !== text.length) return null;
  return Math.round(total);
}

export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0 || ms < 1000) return `${ms}ms`;
  let seconds = Math.floor(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  let out = '';
  if (hours) out += `${hours}h`;
  if (minutes) out += `${minutes}m`;
  if (seconds || out === '') out += `${seconds}s`;
  return out;
}

/**
 * Parses a duration that must lie in (0, maxMs]. `what` names the option in the error
 * ("--ttl", "default_lease_ttl").
 * @throws DaemonError INVALID_DURATION when malformed, zero, negative or above maxMs.
 */
export function parseDuration(text: string, what: string, maxMs: number, minMs = 1000): number {
  const range = `between ${formatDuration(minMs)} and ${formatDuration(maxMs)}, e.g. 30m or 1h30m`;
  const ms = tryParseDuration(text);
  if (ms === null) {
    throw new DaemonError('INVALID_DURATION', `${what}: "${clip(text)}" is not a duration`, `use a Go-style duration ${range}`);
  }
  if (ms < minMs || ms > maxMs) {
    throw new DaemonError('INVALID_DURATION', `${what}: ${clip(text)} is out of range`, `use a duration ${range}`);
  }
  return ms;
}

function clip(text: string): string {
  return String(text).slice(0, 40);
}
