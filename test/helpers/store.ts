/**
 * Integration harness: a store in a fresh temp data dir, the real daemon as a child process, and the
 * real CLI spawned the way an agent spawns it (no terminal: detached, so it has no /dev/tty).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { TEST_PASSPHRASE, TEST_WORK_FACTOR, adminCallOn } from './admin.js';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const CLI = join(REPO, 'bin', 'secrets');
export const PASSPHRASE = TEST_PASSPHRASE;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as the JSON envelope, when it is one. */
  json: any;
}

export interface CliOptions {
  input?: string | Buffer;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Runs the program through this (e.g. `setpriv --reuid=…` to run it as another OS user). */
  prefix?: string[];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function runCli(args: string[], env: Record<string, string>, options: CliOptions = {}): Promise<CliResult> {
  return runNode([CLI, ...args], env, options);
}

/** Runs `node ARGV…` (the CLI, or a script standing in for an agent) and collects what it printed. */
export function runNode(argv: string[], env: Record<string, string>, options: CliOptions = {}): Promise<CliResult> {
  const [program, ...args] = [...(options.prefix ?? []), process.execPath, ...argv];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program!, args, {
      env: { PATH: process.env.PATH ?? '', ...env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      cwd: options.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      resolvePromise({ code, signal, stdout, stderr: Buffer.concat(err).toString('utf8'), json: parseJson(stdout) });
    });
    // A child that exits without reading its input (the daemon it talks to was just killed, in the
    // crash loop) makes this write fail with EPIPE: what it did is in its exit code and output.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

export interface DaemonProcess {
  child: ChildProcess;
  stderr(): string;
  /** Sends a signal and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Stands in for the person at the tray: approves every request for its client, for all secrets,
 * until revoked — so tests about other things can lease with any client id through the real
 * approval flow. Tests about approvals turn it off (`autoApprove: false`).
 */
async function startApprover(socket: string, insecure: boolean): Promise<() => void> {
  const client = await RpcClient.connect(socket);
  client.onEvent = (event) => {
    if (event.type !== 'approval.requested') return;
    const { request_id } = event.data.request as { request_id: string };
    const params = { request_id, for: 'forever', scope: 'all' as const };
    (insecure ? client.call('requests.approve', params) : adminCallOn(client, 'requests.approve', params)).catch(() => {});
  };
  await client.call('events.subscribe', {});
  return () => client.close();
}

export interface StoreOptions {
  /**
   * The OS user who owns the store and runs the daemon and the person's CLI (default: this process's).
   * This process cannot then reach the daemon itself: such a store needs `autoApprove: false`.
   */
  owner?: { name: string; prefix: string[] };
  insecure?: boolean;
  config?: object;
  /** Approve every approval request automatically (default true). */
  autoApprove?: boolean;
}

export class TestStore {
  readonly home: string;
  readonly passphraseFile: string;
  readonly env: Record<string, string>;
  daemon: DaemonProcess | null = null;
  private stopApprover: (() => void) | null = null;

  /** The daemon's socket: AGENT_SECRETS_SOCKET when a test sets it, else the default. */
  get socket(): string {
    return this.env.AGENT_SECRETS_SOCKET ?? join(this.home, 'daemon.sock');
  }

  constructor(readonly options: StoreOptions = {}) {
    this.home = mkdtempSync(join(tmpdir(), 'as-'));
    this.passphraseFile = join(this.home, '..', `${this.home.split('/').pop()}.pass`);
    writeFileSync(this.passphraseFile, PASSPHRASE + '\n', { mode: 0o600 });
    this.env = { AGENT_SECRETS_HOME: this.home, AGENT_SECRETS_LOG_LEVEL: 'warn' };
    if (options.owner) for (const path of [this.home, this.passphraseFile]) execFileSync('chown', [options.owner.name, path]);
  }

  /** `secrets init` with a low scrypt work factor (tests only: age's default takes ~1 s per unlock). */
  async init(): Promise<void> {
    const args = this.options.insecure ? ['init', '--insecure-keyfile'] : ['init', '--passphrase-file', this.passphraseFile, '--scrypt-work-factor', String(TEST_WORK_FACTOR)];
    const result = await this.cli(args);
    if (result.code !== 0) throw new Error(`init failed: ${result.stderr}`);
    if (this.options.config) writeFileSync(join(this.home, 'config.json'), JSON.stringify(this.options.config));
    if (this.options.owner) execFileSync('chown', ['-R', this.options.owner.name, this.home]);
  }

  cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
    return runCli(args, this.env, { prefix: this.options.owner?.prefix, ...options });
  }

  /** An admin command, with the passphrase file. */
  admin(args: string[], options: CliOptions = {}): Promise<CliResult> {
    return this.cli(this.options.insecure ? args : [...args, '--passphrase-file', this.passphraseFile], options);
  }

  /** Starts `secrets serve --foreground` and resolves once it reports that it is serving. */
  start(extraEnv: Record<string, string> = {}): Promise<DaemonProcess> {
    const [program, ...args] = [...(this.options.owner?.prefix ?? []), process.execPath, CLI, 'serve', '--foreground', '--json', ...(this.options.insecure ? [] : ['--passphrase-file', this.passphraseFile])];
    const child = spawn(program!, args, { env: { PATH: process.env.PATH ?? '', ...this.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const daemon: DaemonProcess = {
      child,
      stderr: () => stderr,
      stop: async (signal = 'SIGTERM') => {
        this.stopApprover?.();
        this.stopApprover = null;
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        const code = await exited;
        if (this.daemon === daemon) this.daemon = null;
        return code;
      },
    };
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`daemon did not start: ${stderr}`)), 20_000);
      child.stdout!.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes('\n')) {
          clearTimeout(timer);
          this.daemon = daemon;
          if (this.options.autoApprove === false) return resolvePromise(daemon);
          startApprover(extraEnv.AGENT_SECRETS_SOCKET ?? this.socket, this.options.insecure === true).then((stop) => {
            this.stopApprover = stop;
            resolvePromise(daemon);
          }, reject);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`daemon exited with ${code} before serving: ${stderr}`));
      });
    });
  }

  async cleanup(): Promise<void> {
    await this.daemon?.stop('SIGKILL');
    rmSync(this.home, { recursive: true, force: true });
    rmSync(this.passphraseFile, { force: true });
  }
}

/** A store with a running daemon, for the common case. */
export async function startedStore(options: StoreOptions = {}): Promise<TestStore> {
  const store = new TestStore(options);
  await store.init();
  await store.start();
  return store;
}
