/**
 * Bench harness: temp stores, the real `secrets` CLI and `secrets serve --foreground` as child
 * processes. Every child and temp dir is registered so run.ts can remove them even on failure.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitForHealth } from './rpc.js';

export const REPO = resolve(import.meta.dirname, '..');
export const CLI = join(REPO, 'bin', 'secrets');
export const PASSPHRASE = 'bench passphrase, not a real one';

/** The client ids the benchmarks lease as: the cold CLI derives `node` from its parent. */
export const BENCH_CLIENT_IDS = ['node', ...Array.from({ length: 64 }, (_, i) => `bench-client-${i}`)];

const liveChildren = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** spawn() whose child is killed by cleanupSync() if it is still running. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  child.once('error', () => liveChildren.delete(child));
  return child;
}

export function makeTempDir(prefix: string, base = tmpdir()): string {
  const dir = mkdtempSync(join(base, prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Synchronous, so it also works from process 'exit' and signal handlers. */
export function cleanupSync(): void {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  liveChildren.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From just before spawn() to the 'close' event (exit and stdio closed). */
  ms: number;
}

/** Runs `node ARGS` to completion, timed end to end. No terminal (detached), like an agent runs it. */
export function runNode(args: string[], env: Record<string, string>, options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawnTracked(process.execPath, args, { env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      const ms = performance.now() - start;
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms });
    });
    // A child that exits without reading its input fails this write with EPIPE: its exit code says why.
    child.stdin?.on('error', () => {});
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

export class Daemon {
  private stderrText = '';
  readonly exited: Promise<number | null>;
  exitCode: number | null | undefined = undefined;

  constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (c: Buffer) => (this.stderrText += c.toString()));
    child.stdout?.resume();
    this.exited = new Promise((r) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        r(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  stderr(): string {
    return this.stderrText;
  }

  /** Throws when the daemon has already exited (used while polling for it to come up). */
  assertAlive(): void {
    if (this.exitCode !== undefined) throw new Error(`daemon exited with ${this.exitCode}: ${this.stderrText.trim().slice(-2000)}`);
  }

  /** SIGTERM (graceful: socket removed), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A store in a fresh temp dir: passphrase-protected with a low scrypt work factor (like the tests). */
export class BenchStore {
  readonly root: string;
  readonly home: string;
  readonly socket: string;
  readonly passphraseFile: string;
  readonly env: Record<string, string>;
  private readonly daemons = new Set<Daemon>();

  /** `base`: where the temp dir goes (default: the OS temp dir). */
  constructor(label: string, base?: string) {
    this.root = makeTempDir(`as-bench-${label}-`, base);
    this.home = join(this.root, 'home');
    this.socket = join(this.home, 'daemon.sock');
    this.passphraseFile = join(this.root, 'pass');
    writeFileSync(this.passphraseFile, PASSPHRASE + '\n', { mode: 0o600 });
    this.env = { PATH: process.env.PATH ?? '', AGENT_SECRETS_HOME: this.home, AGENT_SECRETS_LOG_LEVEL: 'warn' };
  }

  cli(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
    return runNode([CLI, ...args], { ...this.env, ...options.env }, { input: options.input });
  }

  admin(args: string[], options: { input?: string } = {}): Promise<RunResult> {
    return this.cli([...args, '--passphrase-file', this.passphraseFile], options);
  }

  /** `secrets init`; workFactor null keeps the CLI's default (age's 18: about a second per unlock). */
  async init(workFactor: number | null = 10): Promise<void> {
    const result = await this.cli(['init', '--passphrase-file', this.passphraseFile, ...(workFactor === null ? [] : ['--scrypt-work-factor', String(workFactor)])]);
    if (result.code !== 0) throw new Error(`secrets init failed (${result.code}): ${result.stderr}`);
    // Nobody is at the keyboard during a benchmark: its clients are pre-approved in config.json.
    const configPath = join(this.home, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    config.approvals = { policy: 'preapproved', preapproved: BENCH_CLIENT_IDS.map((client_id) => ({ client_id })) };
    writeFileSync(configPath, JSON.stringify(config, null, 2));
  }

  async addSecret(name: string, value: string): Promise<void> {
    const result = await this.admin(['add', name], { input: value });
    if (result.code !== 0) throw new Error(`secrets add ${name} failed (${result.code}): ${result.stderr}`);
  }

  /**
   * Spawns `secrets serve --foreground` without waiting for it. With BENCH_PROFILE_DIR set, the daemon
   * writes a V8 CPU profile there when it stops (`--cpu-prof` is not allowed in NODE_OPTIONS).
   */
  spawnDaemon(): Daemon {
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    const child = spawnTracked(process.execPath, [...profile, CLI, 'serve', '--foreground', '--json', '--passphrase-file', this.passphraseFile], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const daemon = new Daemon(child);
    this.daemons.add(daemon);
    void daemon.exited.then(() => this.daemons.delete(daemon));
    return daemon;
  }

  /** Spawns the daemon and resolves once it answers `health`. */
  async startDaemon(): Promise<Daemon> {
    const daemon = this.spawnDaemon();
    await waitForHealth(this.socket, { check: () => daemon.assertAlive(), pollMs: 5 });
    return daemon;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.daemons].map((d) => d.stop()));
    removeTempDir(this.root);
  }
}

/** Runs `body` with a fresh initialised store, disposing of it (daemons included) however body ends. */
export async function withStore<T>(label: string, body: (store: BenchStore) => Promise<T>, base?: string, workFactor: number | null = 10): Promise<T> {
  const store = new BenchStore(label, base);
  try {
    await store.init(workFactor);
    return await body(store);
  } finally {
    await store.dispose();
  }
}
