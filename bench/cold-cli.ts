/**
 * §8 row 1: a cold `secrets lease X` (fresh Node process, raw output) against a running daemon, vs a
 * bare `node -e 0`, interleaved so both see the same machine state. `secrets --version` runs in the
 * same rotation: it loads the CLI bundle without touching the socket, which splits the overhead.
 */
import { CLI, type BenchStore, type RunResult, runNode, withStore } from './harness.js';
import type { SectionResult } from './report.js';
import { fmtMs, median, quantile } from './stats.js';

export interface ColdCliOptions {
  warmup: number;
  runs: number;
}

const SECRET = 'BENCH_COLD';
const VALUE = 'cold-cli-benchmark-value-0123456789';

interface Variant {
  name: string;
  run: () => Promise<RunResult>;
  check: (result: RunResult) => string | null;
  samples: number[];
}

function variants(store: BenchStore): Variant[] {
  const env = store.env;
  const ok = (result: RunResult) => (result.code === 0 ? null : `exit ${result.code}: ${result.stderr.trim()}`);
  return [
    { name: 'node -e 0', run: () => runNode(['-e', '0'], env), check: ok, samples: [] },
    { name: 'secrets --version', run: () => runNode([CLI, '--version'], env), check: ok, samples: [] },
    {
      name: `secrets lease ${SECRET}`,
      run: () => runNode([CLI, 'lease', SECRET], env),
      check: (result) => ok(result) ?? (result.stdout === VALUE ? null : `unexpected output ${JSON.stringify(result.stdout.slice(0, 80))}`),
      samples: [],
    },
  ];
}

export async function benchColdCli(options: ColdCliOptions): Promise<SectionResult> {
  return withStore('cold', async (store) => {
    await store.startDaemon();
    await store.addSecret(SECRET, VALUE);
    const all = variants(store);
    for (let round = 0; round < options.warmup + options.runs; round++) {
      // Alternate the order every round so neither variant always runs right after the other.
      const order = round % 2 === 0 ? all : [...all].reverse();
      for (const variant of order) {
        const result = await variant.run();
        const problem = variant.check(result);
        if (problem) throw new Error(`${variant.name}: ${problem}`);
        if (round >= options.warmup) variant.samples.push(result.ms);
      }
    }
    const [bare, version, lease] = all.map((v) => ({ name: v.name, median: median(v.samples), p25: quantile(v.samples, 0.25), p75: quantile(v.samples, 0.75), min: Math.min(...v.samples) }));
    const ratio = lease!.median / bare!.median;
    return {
      rows: [
        {
          metric: `cold \`secrets lease X\` ÷ \`node -e 0\` (medians)`,
          measured: `${ratio.toFixed(2)}× (${fmtMs(lease!.median)} vs ${fmtMs(bare!.median)})`,
          target: { value: 1.3, direction: 'max', label: '≤ 1.30×' },
          value: ratio,
        },
        { metric: '  `node -e 0` median', measured: fmtMs(bare!.median) },
        { metric: '  `secrets --version` median (CLI load, no socket)', measured: `${fmtMs(version!.median)} (${(version!.median / bare!.median).toFixed(2)}×)` },
        { metric: '  `secrets lease X` median', measured: fmtMs(lease!.median) },
      ],
      notes: [
        `cold CLI: ${options.runs} interleaved runs each after ${options.warmup} warm-up rounds; ` +
          [bare, version, lease].map((v) => `${v!.name}: median ${fmtMs(v!.median)}, p25–p75 ${fmtMs(v!.p25)}–${fmtMs(v!.p75)}, min ${fmtMs(v!.min)}`).join('; '),
      ],
    };
  });
}
