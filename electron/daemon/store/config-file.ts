/**
 * config.json as a file the daemon may change (`config.set`): read it as written, merge a change
 * into it, write it back whole and atomically. What the values mean is config.ts's business; this
 * module only keeps the person's file intact: keys they left out stay out (and keep their defaults).
 */
import { DaemonError } from '../../../shared/errors.js';
import { readConfigJson } from '../config.js';
import { writeFileAtomic } from './atomic-file.js';

export type RawConfig = Record<string, unknown>;

/**
 * The file's JSON object as written; a missing file is `{}` (every default).
 * @throws DaemonError INVALID_CONFIG when it is not a JSON object.
 */
export function readConfigFile(path: string): RawConfig {
  const raw = readConfigJson(path);
  if (!isPlainObject(raw)) throw new DaemonError('INVALID_CONFIG', `${path}: (top level): must be a JSON object`, 'fix the file or delete it to use the defaults');
  return raw;
}

/**
 * `change` merged into `base`: objects key by key, anything else (arrays too) replaced whole. Keys are
 * copied as own properties (`__proto__` included), so a hostile key reaches validation as an unknown
 * key instead of changing a prototype.
 */
export function mergeConfig(base: RawConfig, change: RawConfig): RawConfig {
  const out: RawConfig = {};
  for (const [key, value] of Object.entries(base)) define(out, key, value);
  for (const [key, value] of Object.entries(change)) {
    const current = out[key];
    define(out, key, isPlainObject(current) && isPlainObject(value) && Object.hasOwn(out, key) ? mergeConfig(current, value) : value);
  }
  return out;
}

/** Writes the file whole: a crash leaves the old file or the new one, never half of either (0600). */
export function writeConfigFile(path: string, raw: RawConfig): void {
  writeFileAtomic(path, `${JSON.stringify(raw, null, 2)}\n`, 0o600);
}

/**
 * The dotted keys whose values differ between two settings objects (`heartbeat.url`); a list is one
 * key (`approvals.preapproved`). Names only: a value (a heartbeat URL may carry a token) never leaves.
 */
export function changedKeys(before: unknown, after: unknown, prefix = ''): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changedKeys(before[key], after[key], prefix === '' ? key : `${prefix}.${key}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

function define(target: RawConfig, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(value: unknown): value is RawConfig {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
