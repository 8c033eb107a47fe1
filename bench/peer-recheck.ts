/**
 * Micro-benchmark: what the per-request "same process?" check costs (ProcessWatch.unchanged(): one
 * pread of /proc/<pid>/cmdline through a descriptor held per connection), next to the alternatives it
 * was chosen over. The watched process is busy on another core, as an agent sending requests is: an
 * idle one hides what reading its `stat` costs (the kernel then gathers CPU times under that core's
 * run-queue lock). Run: node --import tsx bench/peer-recheck.ts
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, readlinkSync } from 'node:fs';
import { ProcessWatch } from '../electron/daemon/callers/process-watch.js';

const ROUNDS = 200_000;

function measure(name: string, body: () => unknown): void {
  for (let i = 0; i < 20_000; i++) body();
  const samples: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ROUNDS; i++) body();
    samples.push(Number(process.hrtime.bigint() - start) / ROUNDS / 1000);
  }
  samples.sort((a, b) => a - b);
  console.log(`${name.padEnd(52)} median ${samples[2]!.toFixed(2)} µs  (min ${samples[0]!.toFixed(2)})`);
}

const child = spawn(process.execPath, ['-e', "const { Worker } = require('node:worker_threads'); new Worker('for (;;) {}', { eval: true }); for (;;) {}"], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 100));
const pid = child.pid!;
const watch = ProcessWatch.open(pid)!;
const buffer = Buffer.alloc(2048);
try {
  measure('ProcessWatch.unchanged() (held cmdline fd, pread, compare)', () => watch.unchanged());
  const statFd = openSync(`/proc/${pid}/stat`, 'r');
  measure('held /proc/<pid>/stat fd, pread', () => readSync(statFd, buffer, 0, buffer.length, 0));
  closeSync(statFd);
  measure('open + read + close /proc/<pid>/stat', () => {
    const fd = openSync(`/proc/${pid}/stat`, 'r');
    readSync(fd, buffer, 0, buffer.length, 0);
    closeSync(fd);
  });
  measure('readFileSync /proc/<pid>/stat', () => readFileSync(`/proc/${pid}/stat`, 'latin1'));
  measure('readlink /proc/<pid>/exe', () => readlinkSync(`/proc/${pid}/exe`));
  measure('readFileSync /proc/<pid>/cmdline', () => readFileSync(`/proc/${pid}/cmdline`));
} finally {
  watch.close();
  child.kill();
}
