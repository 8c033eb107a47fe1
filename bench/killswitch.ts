/**
 * Issue 4's target: `secrets killswitch` from the CLI returns within 1 s with 1,000 active leases and
 * 50 supervised process groups. Leases are granted over the socket, the groups are `sleep`s this
 * process starts (so it may register them), the engage is a cold CLI process, timed end to end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { withStore } from './harness.js';
import type { SectionResult } from './report.js';
import { fmtMs, sleep } from './stats.js';

export interface KillswitchOptions {
  leases: number;
  groups: number;
}

/** Sends requests over one connection, one after another, and waits for every answer. */
function callAll(socket: string, requests: { method: string; params: object }[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const connection = createConnection(socket);
    let answered = 0;
    let buffer = '';
    connection.on('error', reject);
    connection.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        const message = JSON.parse(buffer.slice(0, nl)) as { error?: { message: string }; id?: number };
        buffer = buffer.slice(nl + 1);
        if (message.id === undefined) continue;
        if (message.error) return reject(new Error(message.error.message));
        if (++answered === requests.length) {
          connection.end();
          resolve();
        }
      }
    });
    connection.write(requests.map((r, id) => JSON.stringify({ jsonrpc: '2.0', id, ...r }) + '\n').join(''));
  });
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
