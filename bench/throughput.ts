/**
 * §8 row 2: daemon throughput. A real `secrets serve --foreground` child; 32 connections in a
 * separate client process (throughput-clients.ts) send `lease.grant` back to back for a fixed time.
 */
import { join } from 'node:path';
import { REPO, spawnTracked, withStore } from './harness.js';
import type { SectionResult } from './report.js';
import { fmtInt, fmtMs } from './stats.js';
import type { ClientsConfig, ClientsSummary } from './throughput-clients.js';

export interface ThroughputOptions {
  connections: number;
  warmupMs: number;
  durationMs: number;
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

export async function benchThroughput(options: ThroughputOptions): Promise<SectionResult> {
  return withStore('tp', async (store) => {
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
    const perSecond = summary.completed / (summary.windowMs / 1000);
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    return {
      rows: [
        {
          metric: `daemon throughput, ${options.connections} clients (lease.grant)`,
          measured: `${fmtInt(perSecond)} leases/s`,
          target: { value: 10_000, direction: 'min', label: '≥ 10,000/s' },
          value: perSecond,
        },
        { metric: '  lease.grant latency p50', measured: fmtMs(summary.p50) },
        { metric: '  lease.grant latency p99', measured: fmtMs(summary.p99), target: { value: 5, direction: 'max', label: '≤ 5 ms' }, value: summary.p99 },
        { metric: '  daemon CPU during the window', measured: `${pct(summary.daemonCpu)} of one core` },
      ],
      notes: [
        `throughput: ${fmtInt(summary.completed)} grants in ${summary.windowMs / 1000} s after ${options.warmupMs / 1000} s warm-up, ` +
          `${options.connections} connections, one request in flight each; latency p50 ${fmtMs(summary.p50)}, p90 ${fmtMs(summary.p90)}, ` +
          `p99 ${fmtMs(summary.p99)}, max ${fmtMs(summary.max)}, mean ${fmtMs(summary.mean)}; CPU: daemon ${pct(summary.daemonCpu)}, client process ${pct(summary.clientCpu)} of one core`,
      ],
    };
  });
}
