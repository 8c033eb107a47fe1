/**
 * The knobs every fuzz property runs with: one fixed seed (so a failure is reproducible by anyone)
 * and a number of cases. `FUZZ_SEED` and `FUZZ_RUNS` override them; fast-check prints the seed and
 * the shrunk counterexample's path when a property fails, so `FUZZ_SEED=… npm test` replays it.
 */
import type { Parameters } from 'fast-check';

export interface FuzzSettings {
  numRuns: number;
  seed: number;
}

/** Arbitrary but fixed: the cases `npm test` tries are the same on every machine and every run. */
export const DEFAULT_SEED = 0x5ec7e75;

/** Cases per target in `npm test`. */
export const TEST_RUNS = 10_000;

/** Cases per target in `npm run bench -- --fuzz`. */
export const BENCH_RUNS = 100_000;

function fromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(text)}`);
  return value;
}

/** The settings for a run of `defaultRuns` cases, as overridden by FUZZ_SEED / FUZZ_RUNS. */
export function fuzzSettings(defaultRuns: number = TEST_RUNS): FuzzSettings {
  return { seed: fromEnv('FUZZ_SEED', DEFAULT_SEED), numRuns: fromEnv('FUZZ_RUNS', defaultRuns) };
}

/** The same settings with the number of cases scaled (a target whose cases cost a process or a socket). */
export function scaled(settings: FuzzSettings, factor: number): FuzzSettings {
  return { ...settings, numRuns: Math.max(1, Math.round(settings.numRuns * factor)) };
}

/** fast-check's parameters for these settings. */
export function parameters<T>(settings: FuzzSettings): Parameters<T> {
  return { seed: settings.seed, numRuns: settings.numRuns };
}
