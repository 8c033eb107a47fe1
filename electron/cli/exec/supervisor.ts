/**
 * Runs the command of `secrets exec` (and the MCP tool `secrets_exec`) with the leased values in its
 * environment only: in its own process group (so the daemon can terminate the whole tree), its output
 * masked on its way to a sink, and its exit code passed on (128 + signal when a signal ended it). The
 * CLI also forwards SIGINT, SIGTERM and SIGHUP: there the command stands in for the CLI itself.
 */
import { writeSync } from 'node:fs';
import { constants } from 'node:os';
import { Masker, type MaskedValue, maskPatterns } from './masker.js';

export interface SupervisedRun {
  pid: number;
  /** Resolves with the exit code to pass on. */
  exited: Promise<number>;
  /** Signals the whole process group (no-op once it has exited). */
  signal(signal: NodeJS.Signals): void;
  /** True once the command has exited. */
  readonly done: boolean;
  /**
   * Waits until nothing of the process group is left (children outlive their parent), killing what
   * remains after `timeoutMs`.
   */
  drainGroup(timeoutMs: number): Promise<void>;
}

/** Receives a stretch of (masked) output. */
export type Sink = (bytes: Buffer) => void;

export interface SupervisedCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Where it runs; omitted: this process's working directory. */
  cwd?: string;
  /** The terminal's stdin, or none (the MCP server's stdin carries its protocol). */
  stdin: 'inherit' | 'ignore';
  /** stdout and stderr, masked into these sinks; null: this process's own, unmasked (`--no-mask`). */
  output: { stdout: Sink; stderr: Sink; mask: MaskedValue[] } | null;
  /** Forward SIGINT, SIGTERM and SIGHUP of this process to the command's group. */
  forwardSignals: boolean;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** A sink writing to a file descriptor of this process (the CLI's stdout and stderr). */
export function fdSink(fd: number): Sink {
  return (bytes) => writeAll(fd, bytes);
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      return;
    }
  }
}

/** @throws when the command cannot be started (ENOENT …), before anything runs. */
export async function runSupervised(run: SupervisedCommand): Promise<SupervisedRun> {
  const { output } = run;
  // Loaded here, not at the top: every cold `secrets lease` would pay for child_process.
  const { spawn } = await import('node:child_process');
  const stdio = output ? [run.stdin, 'pipe', 'pipe'] as const : [run.stdin, 'inherit', 'inherit'] as const;
  const child = spawn(run.command, run.args, { env: run.env, cwd: run.cwd, stdio: [...stdio], detached: true });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const pgid = child.pid!;
  let done = false;
  const signal = (sig: NodeJS.Signals) => {
    if (done) return;
    try {
      process.kill(-pgid, sig);
    } catch {
      // The group is gone already.
    }
  };
  const forwarders = run.forwardSignals ? FORWARDED.map((sig) => [sig, () => signal(sig)] as const) : [];
  for (const [sig, handler] of forwarders) process.on(sig, handler);

  const streams: Promise<void>[] = [];
  if (output) {
    const patterns = maskPatterns(output.mask);
    for (const [stream, sink] of [[child.stdout!, output.stdout], [child.stderr!, output.stderr]] as const) {
      const masker = new Masker(patterns, sink);
      stream.on('data', (chunk: Buffer) => masker.push(chunk));
      streams.push(new Promise((resolve) => stream.on('close', () => (masker.end(), resolve()))));
    }
  }
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, sig) => {
      done = true;
      for (const [s, handler] of forwarders) process.off(s, handler);
      void Promise.all(streams).then(() => resolve(code ?? 128 + (sig ? constants.signals[sig] : 0)));
    });
  });
  const groupAlive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const drainGroup = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (groupAlive()) process.kill(-pgid, 'SIGKILL');
  };
  return {
    pid: pgid,
    exited,
    signal,
    drainGroup,
    get done() {
      return done;
    },
  };
}
