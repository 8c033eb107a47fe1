/**
 * `npm run bench -- crashloop` (opt-in: minutes long, and a fault hunt rather than a §8 target): the
 * crash loop of test/faults/crash-loop.ts run for hundreds of kills of the headless daemon and
 * dozens of the tray app's, reporting what was killed, acknowledged and checked, and how long a
 * restart after a SIGKILL takes. A broken promise fails the section, naming the seed that replays it.
 */
import { type CrashLoopStats, runCrashLoop } from '../test/faults/crash-loop.js';
import type { Row, SectionResult } from './report.js';
import { fmtInt, fmtMs, median, quantile } from './stats.js';

export interface CrashLoopBenchOptions {
  daemonCycles: number;
  trayCycles: number;
  seed: number;
  progress?: (message: string) => void;
}

function rowsOf(stats: CrashLoopStats): Row[] {
  const label = stats.target === 'daemon' ? 'crash loop, headless daemon' : "crash loop, tray app's daemon";
  return [
    { metric: `${label}: kills / operations acknowledged / checks passed`, measured: `${fmtInt(stats.kills)} / ${fmtInt(stats.acknowledged)} / ${fmtInt(stats.checks)}` },
    { metric: `${label}: time per cycle (storm, kill, checks, restart), median`, measured: fmtMs(median(stats.cycleMs)) },
    { metric: `${label}: restart after SIGKILL to serving, p50 / p99`, measured: `${fmtMs(median(stats.restartMs))} / ${fmtMs(quantile(stats.restartMs, 0.99))}` },
  ];
}

export async function benchCrashLoop(options: CrashLoopBenchOptions): Promise<SectionResult> {
  const every = (n: number) => (message: string) => {
    const kill = Number(/kill (\d+)\//.exec(message)?.[1]);
    if (kill % n === 0) options.progress?.(message);
  };
  const daemon = await runCrashLoop({ seed: options.seed, cycles: options.daemonCycles, opsPerCycleRange: [5, 150], target: 'daemon', progress: every(25) });
  const tray = await runCrashLoop({ seed: options.seed, cycles: options.trayCycles, opsPerCycleRange: [5, 100], target: 'tray', progress: every(10) });
  const kinds = (stats: CrashLoopStats) => Object.entries(stats.byKind).map(([kind, n]) => `${kind} ${n}`).join(', ');
  return {
    rows: [...rowsOf(daemon), ...rowsOf(tray)],
    notes: [`crash loop seed ${options.seed}; acknowledged, headless: ${kinds(daemon)}; tray: ${kinds(tray)}`],
  };
}
