/** What the benchmark ran on: CPU model, core count, memory, Node version. */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, platform, arch, loadavg, release, totalmem } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  memGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the bench started: other work on the machine skews timings. */
  load1: number;
}

function cpuModelFromProc(): string | undefined {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':').slice(1).join(':').trim();
  } catch {
    return undefined;
  }
}

export function describeMachine(): Machine {
  return {
    cpuModel: cpuModelFromProc() ?? cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memGiB: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    load1: loadavg()[0] ?? Number.NaN,
  };
}

export function formatMachine(m: Machine): string {
  return `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memGiB.toFixed(1)} GiB RAM, ${m.os}, Node ${m.node}; load average at start ${m.load1.toFixed(2)}`;
}
