/**
 * `npm run bench -- --fuzz`: every fuzz property of the test run (test/fuzz/) with ten times the
 * cases — 100,000 per in-process target, 10,000 on the real daemon's socket — and per target its
 * cases, time, cases per second and whether it held. FUZZ_SEED and FUZZ_RUNS apply as in the tests.
 */
import { STACK_LINE, socketFuzz } from '../test/fuzz/properties/socket.js';
import { BENCH_RUNS, type FuzzSettings, fuzzSettings, scaled } from '../test/fuzz/settings.js';
import { DISPATCH_TARGETS, FRAME_TARGETS, type FuzzTarget, PARSER_TARGETS } from '../test/fuzz/targets.js';
import { collectUnhandled } from '../test/fuzz/unhandled.js';
import type { Row, SectionResult } from './report.js';

/** A connection per case: a tenth of the in-process targets' cases. */
const SOCKET_SHARE = 0.1;

async function measure(name: string, settings: FuzzSettings, run: () => unknown): Promise<{ row: Row; failure: string | null }> {
  const t0 = performance.now();
  let failure: string | null = null;
  try {
    await run();
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  const seconds = (performance.now() - t0) / 1000;
  const measured = `${settings.numRuns.toLocaleString('en-US')} cases, ${seconds.toFixed(1)} s, ${Math.round(settings.numRuns / seconds).toLocaleString('en-US')} cases/s: ${failure ? 'FAIL' : 'pass'}`;
  const row: Row = { metric: `fuzz: ${name}`, measured };
  if (failure) row.error = `${measured}; ${failure.split('\n').slice(0, 3).join(' ')}`.slice(0, 200);
  return { row, failure };
}

export async function benchFuzz(progress: (message: string) => void): Promise<SectionResult> {
  const settings = fuzzSettings(BENCH_RUNS);
  const unhandled = collectUnhandled();
  const rows: Row[] = [];
  const notes = [`fuzz seed ${settings.seed} (FUZZ_SEED replays it)`];
  const targets: FuzzTarget[] = [...DISPATCH_TARGETS, ...FRAME_TARGETS, ...PARSER_TARGETS];
  for (const target of targets) {
    progress(`fuzz: ${target.name}…`);
    const { row, failure } = await measure(target.name, settings, () => target.run(settings));
    rows.push(row);
    if (failure) notes.push(`fuzz ${target.name}: ${failure}`);
  }
  progress('fuzz: the daemon socket…');
  const socket = await socketFuzz();
  try {
    const socketSettings = scaled(settings, SOCKET_SHARE);
    const { row, failure } = await measure('daemon socket', socketSettings, async () => {
      await socket.run(socketSettings);
      const { statusCode, stderr } = await socket.after();
      if (statusCode !== 0) throw new Error(`secrets status exited ${statusCode} after the fuzz`);
      if (STACK_LINE.test(stderr)) throw new Error(`a stack trace on the daemon's stderr: ${stderr.slice(0, 500)}`);
    });
    rows.push(row);
    if (failure) notes.push(`fuzz daemon socket: ${failure}`);
  } finally {
    await socket.store.cleanup();
  }
  unhandled.stop();
  rows.push({ metric: 'fuzz: unhandled rejections and exceptions', measured: String(unhandled.seen.length), ...(unhandled.seen.length > 0 ? { error: unhandled.seen[0]!.slice(0, 200) } : {}) });
  notes.push(...unhandled.seen);
  return { rows, notes };
}
