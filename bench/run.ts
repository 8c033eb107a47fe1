/**
 * `npm run bench`: measures the DESIGN.md §8 targets in one run and prints them side by side.
 * Prints results only: a missed target does not fail the run; a crash does (exit 1).
 *
 * Usage: node --import tsx bench/run.ts [section...]   (sections: cold throughput start memory killswitch audit scan ui;
 * opt-in, run only when named: crashloop, fuzz — `npm run bench -- --fuzz` names fuzz)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchAudit } from './audit.js';
import { benchColdCli } from './cold-cli.js';
import { benchFuzz } from './fuzz.js';
import { benchCrashLoop } from './crash-loop.js';
import { benchKillswitch } from './killswitch.js';
import { CLI, REPO, cleanupSync, runNode } from './harness.js';
import { describeMachine, formatMachine } from './machine.js';
import { benchMemory } from './memory.js';
import { type Row, type SectionResult, formatTable, passed } from './report.js';
import { benchScan } from './scan.js';
import { benchStart } from './start-with-leases.js';
import { benchThroughput } from './throughput.js';
import { benchUi } from './ui.js';

/** Hard stop, so a hung child can never keep the bench running. */
const WATCHDOG_MS = 8 * 60_000;

interface Section {
  name: string;
  title: string;
  run: () => Promise<SectionResult>;
  /** Run only when named on the command line (long runs that are no §8 target). */
  optIn?: boolean;
  /** What the section may take beyond the watchdog's usual limit. */
  watchdogMs?: number;
}

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

const SECTIONS: Section[] = [
  { name: 'cold', title: 'cold `secrets lease X`', run: () => benchColdCli({ warmup: 5, runs: 30 }) },
  { name: 'throughput', title: 'daemon throughput', run: () => benchThroughput({ connections: 32, warmupMs: 1000, durationMs: 5000, tmpfsDir: '/dev/shm' }) },
  { name: 'start', title: 'daemon start with 1,000,000 leases', run: () => benchStart({ runs: 5, leases: 1_000_000, defaultWorkFactorRuns: 2, unlockRuns: 3 }) },
  { name: 'memory', title: 'idle daemon memory', run: () => benchMemory({ secrets: 3, leases: 5, idleMs: 2000 }) },
  { name: 'killswitch', title: 'killswitch with 1,000 leases', run: () => benchKillswitch({ leases: 1000, groups: 50 }) },
  { name: 'audit', title: 'audit log with 1,000,000 entries', run: () => benchAudit({ entries: 1_000_000, batch: 10_000, queryRepeats: 20, progress }) },
  { name: 'scan', title: 'secrets scan of a 10,000-file project', run: () => benchScan({ files: 10_000, runs: 5 }) },
  { name: 'ui', title: 'the window in Chromium', run: () => benchUi({ leases: 1000, auditEntries: 100_000, runs: 5, scrollMs: 3000, progress }) },
  {
    name: 'crashloop',
    title: 'crash loop: SIGKILLs mid-storm (CRASH_CYCLES, CRASH_TRAY_CYCLES, CRASH_SEED)',
    run: () => benchCrashLoop({ daemonCycles: Number(process.env.CRASH_CYCLES ?? 300), trayCycles: Number(process.env.CRASH_TRAY_CYCLES ?? 50), seed: Number(process.env.CRASH_SEED ?? 1), progress }),
    optIn: true,
    watchdogMs: 60 * 60_000,
  },
  { name: 'fuzz', title: 'fuzzing, 100,000 cases per target (FUZZ_SEED, FUZZ_RUNS)', run: () => benchFuzz(progress), optIn: true, watchdogMs: 30 * 60_000 },
];

/** The CLI runs from the bundles in dist/: make sure they are there before timing anything. */
async function checkBuild(): Promise<void> {
  const result = existsSync(join(REPO, 'dist')) ? await runNode([CLI, '--version'], { PATH: process.env.PATH ?? '' }) : null;
  if (result?.code !== 0) {
    throw new Error(`\`secrets --version\` does not run (${result?.stderr.trim() || 'no dist/'}): run \`npm run build\` first (npm run bench does)`);
  }
}

function onSignal(signal: NodeJS.Signals): void {
  progress(`${signal}: cleaning up`);
  cleanupSync();
  process.exit(130);
}

async function main(): Promise<number> {
  process.on('exit', cleanupSync);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await checkBuild();
  const wanted = process.argv.slice(2).map((arg) => (arg === '--fuzz' ? 'fuzz' : arg));
  const unknown = wanted.filter((name) => !SECTIONS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.map((s) => s.name).join(', ')}`);
  const sections = wanted.length ? SECTIONS.filter((s) => wanted.includes(s.name)) : SECTIONS.filter((s) => !s.optIn);
  const watchdogMs = WATCHDOG_MS + sections.reduce((sum, s) => sum + (s.watchdogMs ?? 0), 0);
  setTimeout(() => {
    progress(`watchdog: still running after ${watchdogMs / 1000} s, giving up`);
    cleanupSync();
    process.exit(1);
  }, watchdogMs).unref();

  const machine = describeMachine();
  progress(formatMachine(machine));
  const rows: Row[] = [];
  const notes: string[] = [];
  let crashed = false;
  const benchStart = performance.now();
  for (const section of sections) {
    progress(`${section.title}…`);
    const t0 = performance.now();
    try {
      const result = await section.run();
      rows.push(...result.rows);
      notes.push(...result.notes);
    } catch (error) {
      crashed = true;
      const message = error instanceof Error ? error.message : String(error);
      rows.push({ metric: section.title, measured: '', error: message.split('\n')[0]!.slice(0, 200) });
      notes.push(`${section.name}: failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
    }
    progress(`${section.title}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const totalS = (performance.now() - benchStart) / 1000;

  const verdicts = rows.map(passed).filter((v) => v !== null);
  const out = [
    '',
    'Agent Secrets benchmark (DESIGN.md §8)',
    formatMachine(machine),
    '',
    formatTable(rows),
    '',
    `${verdicts.filter((v) => v).length} of ${verdicts.length} targets met; ${totalS.toFixed(0)} s total.`,
    '',
    'Details:',
    ...notes.map((n) => `- ${n}`),
    '',
  ];
  process.stdout.write(out.join('\n'));
  return crashed ? 1 : 0;
}

main().then(
  (code) => {
    cleanupSync();
    process.exitCode = code;
  },
  (error: unknown) => {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    cleanupSync();
    process.exitCode = 1;
  },
);
