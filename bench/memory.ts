/** §8 row 5: resident memory of an idle headless daemon after some ordinary use. */
import { readFileSync } from 'node:fs';
import { withStore } from './harness.js';
import type { SectionResult } from './report.js';
import { fmtMiB, sleep } from './stats.js';

export interface MemoryOptions {
  secrets: number;
  leases: number;
  idleMs: number;
}

function statusKiB(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  if (!line) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(line.split(/\s+/)[1]);
}

export async function benchMemory(options: MemoryOptions): Promise<SectionResult> {
  return withStore('mem', async (store) => {
    const daemon = await store.startDaemon();
    const afterStart = statusKiB(daemon.pid, 'VmRSS') * 1024;
    for (let i = 0; i < options.secrets; i++) await store.addSecret(`MEM_SECRET_${i}`, `memory-benchmark-value-${i}`);
    for (let i = 0; i < options.leases; i++) {
      const name = `MEM_SECRET_${i % options.secrets}`;
      const result = await store.cli(['lease', name]);
      if (result.code !== 0 || result.stdout !== `memory-benchmark-value-${i % options.secrets}`) throw new Error(`secrets lease ${name} failed: ${result.stderr}`);
    }
    await sleep(options.idleMs);
    daemon.assertAlive();
    const rss = statusKiB(daemon.pid, 'VmRSS') * 1024;
    const hwm = statusKiB(daemon.pid, 'VmHWM') * 1024;
    return {
      rows: [
        {
          metric: 'headless daemon idle RSS',
          measured: fmtMiB(rss),
          target: { value: 80, direction: 'max', label: '≤ 80 MiB' },
          value: rss / (1024 * 1024),
        },
      ],
      notes: [
        `memory: VmRSS ${fmtMiB(afterStart)} right after start; after ${options.secrets} \`add\` and ${options.leases} \`lease\` calls and ${options.idleMs / 1000} s idle: ` +
          `VmRSS ${fmtMiB(rss)}, peak VmHWM ${fmtMiB(hwm)}`,
      ],
    };
  });
}
