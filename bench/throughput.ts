/**
 * §8 row 2: daemon throughput. A real `secrets serve --foreground` child; 32 connections in a
 * separate client process (throughput-clients.ts) send `lease.grant` back to back for a fixed time.
 * When /dev/shm exists the run is repeated with the store on tmpfs: the difference is what the
 * disk's fsync (SQLite WAL checkpoints) costs the daemon's event loop.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { REPO, spawnTracked, withStore } from './harness.js';
import type { Row, SectionResult } from './report.js';
import { fmtInt, fmtMs } from './stats.js';
import type { ClientsConfig, ClientsSummary } from './throughput-clients.js';

export interface ThroughputOptions {
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Also measure with the store in this tmpfs dir (skipped when it is not writable). */
  tmpfsDir?: string;
}

const SECRET = 'BENCH_THROUGHPUT';

function runClients(config: ClientsConfig): Promise<ClientsSummary> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'throughput-clients.ts'), JSON.stringify(config)], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), config.warmupMs + config.durationMs + 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`client process exited with ${code}: ${stderr.trim().slice(-2000)}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as ClientsSummary);
      } catch {
        reject(new Error(`client process printed no summary: ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`));
      }
    });
  });
}

/** One run: fresh store (under `base`), daemon, one secret, the client process. */
function measure(options: ThroughputOptions, base?: string): Promise<ClientsSummary> {
  return withStore(
    'tp',
    async (store) => {
      const daemon = await store.startDaemon();
      await store.addSecret(SECRET, 'throughput-benchmark-value-0123456789');
      const summary = await runClients({
        socket: store.socket,
        connections: options.connections,
        warmupMs: options.warmupMs,
        durationMs: options.durationMs,
        secretName: SECRET,
        ttl: '1h',
        daemonPid: daemon.pid,
      });
      daemon.assertAlive();
      if (summary.errors > 0) throw new Error(`${summary.errors} failed requests; first: ${summary.firstError}`);
      return summary;
    },
    base,
  );
}

function writable(dir: string | undefined): dir is string {
  if (dir === undefined) return false;
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const rate = (s: ClientsSummary) => s.completed / (s.windowMs / 1000);
const pct = (x: number) => `${Math.round(x * 100)}%`;
const describe = (where: string, s: ClientsSummary) =>
  `${where}: ${fmtInt(s.completed)} grants in ${s.windowMs / 1000} s = ${fmtInt(rate(s))}/s; latency p50 ${fmtMs(s.p50)}, p90 ${fmtMs(s.p90)}, ` +
  `p99 ${fmtMs(s.p99)}, max ${fmtMs(s.max)}, mean ${fmtMs(s.mean)}; CPU: daemon ${pct(s.daemonCpu)}, client process ${pct(s.clientCpu)} of one core`;

export async function benchThroughput(options: ThroughputOptions): Promise<SectionResult> {
  const disk = await measure(options);
  const tmpfs = writable(options.tmpfsDir) ? await measure(options, options.tmpfsDir) : null;
  const perSecond = rate(disk);
  const rows: Row[] = [
    {
      metric: `daemon throughput, ${options.connections} clients (lease.grant)`,
      measured: `${fmtInt(perSecond)} leases/s`,
      target: { value: 10_000, direction: 'min', label: '≥ 10,000/s' },
      value: perSecond,
    },
    { metric: '  lease.grant latency p50', measured: fmtMs(disk.p50) },
    { metric: '  lease.grant latency p99', measured: fmtMs(disk.p99), target: { value: 5, direction: 'max', label: '≤ 5 ms' }, value: disk.p99 },
    { metric: '  daemon CPU during the window', measured: `${pct(disk.daemonCpu)} of one core` },
  ];
  if (tmpfs) {
    rows.push({
      metric: `  same, store on tmpfs (${options.tmpfsDir}: fsync is free)`,
      measured: `${fmtInt(rate(tmpfs))}/s, p99 ${fmtMs(tmpfs.p99)}, daemon CPU ${pct(tmpfs.daemonCpu)}`,
    });
  }
  return {
    rows,
    notes: [
      `throughput: ${options.connections} connections in a separate process, one request in flight each, ${options.warmupMs / 1000} s warm-up then ${options.durationMs / 1000} s measured. ` +
        describe('store in the OS temp dir', disk) +
        (tmpfs ? `. ${describe(`store on tmpfs ${options.tmpfsDir}`, tmpfs)}` : ''),
    ],
  };
}
