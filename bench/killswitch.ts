/**
 * Issue 4's target: `secrets killswitch` from the CLI returns within 1 s with 1,000 active leases and
 * 50 supervised process groups. Leases are granted over the socket, the groups are `sleep`s this
 * process starts (so it may register them), the engage is a cold CLI process, timed end to end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { withStore } from './harness.js';
import type { SectionResult } from './report.js';
import { callAll } from './rpc.js';
import { fmtMs, sleep } from './stats.js';

export interface KillswitchOptions {
  leases: number;
  groups: number;
}


export async function benchKillswitch(options: KillswitchOptions): Promise<SectionResult> {
  const groups: ChildProcess[] = [];
  try {
    return await withStore('ks', async (store) => {
      await store.startDaemon();
      await store.addSecret('KS_SECRET', 'killswitch-benchmark-value');
      await callAll(store.socket, Array.from({ length: options.leases }, (_, i) => ({ method: 'lease.grant', params: { secret_name: 'KS_SECRET', client_id: `bench-client-${i % 64}`, ttl: '1h' } })));
      for (let i = 0; i < options.groups; i++) groups.push(spawn('sleep', ['300'], { detached: true, stdio: 'ignore' }));
      await sleep(100);
      await callAll(store.socket, groups.map((g) => ({ method: 'exec.register', params: { pid: g.pid, pgid: g.pid, lease_ids: [] } })));
      const t0 = performance.now();
      const result = await store.cli(['killswitch', '--json', '--reason', 'benchmark']);
      const ms = performance.now() - t0;
      const report = JSON.parse(result.stdout).data as { revoked_leases: number; terminated_process_groups: number } | undefined;
      if (result.code !== 0 || report?.revoked_leases !== options.leases || report.terminated_process_groups !== options.groups) {
        throw new Error(`killswitch failed: ${result.stdout} ${result.stderr}`);
      }
      return {
        rows: [
          {
            metric: `\`secrets killswitch\`, ${options.leases.toLocaleString('en-US')} leases + ${options.groups} process groups`,
            measured: fmtMs(ms),
            target: { value: 1000, direction: 'max', label: '≤ 1000 ms' },
            value: ms,
          },
        ],
        notes: [`killswitch: a cold CLI process, timed from spawn to exit; it revoked ${report.revoked_leases} leases and signalled ${report.terminated_process_groups} process groups.`],
      };
    });
  } finally {
    for (const g of groups) g.kill('SIGKILL');
  }
}
