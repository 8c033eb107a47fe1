/**
 * `secrets serve`: run the headless daemon. `--foreground` runs it in this process until SIGTERM or
 * SIGINT; without it, a detached copy is started and this command returns once it answers (or says
 * why it would not start). `--allow-unverified-callers` serves callers whose process the daemon cannot
 * verify (it refuses to start without the peer-credentials addon otherwise); it is loud about it.
 */
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonError } from '../../../shared/errors.js';
import { type Command, PASSPHRASE_OPTION } from '../command.js';
import type { CommandContext } from '../context.js';
import { obtainPassphrase } from '../inputs.js';
import { printSuccess } from '../output.js';
import { RpcClient } from '../rpc-client.js';
import { type Daemon, loadDaemon } from './load-daemon.js';

const START_TIMEOUT_MS = 15_000;

/** @throws DaemonError STORE_NOT_FOUND before anything is written to a data dir that holds no store. */
async function passphraseFor(daemon: Daemon, ctx: CommandContext): Promise<string | undefined> {
  const protection = daemon.detectProtection(ctx.dataDir);
  if (protection === null) throw new DaemonError('STORE_NOT_FOUND', `no store in ${ctx.dataDir}`, 'the person creates one with: secrets init');
  if (protection !== 'passphrase') return undefined;
  const passphrase = await obtainPassphrase(ctx.values['passphrase-file'] as string | undefined, 'Store passphrase: ');
  if (passphrase === null) {
    throw new DaemonError('USAGE', 'the store is protected by a passphrase and there is no terminal to ask on', 'the person runs it in a terminal, or a script passes --passphrase-file FILE');
  }
  return passphrase;
}

async function foreground(ctx: CommandContext): Promise<number> {
  const daemon = await loadDaemon();
  const running = await daemon.startDaemon({
    dataDir: ctx.dataDir,
    socketPath: ctx.socketPath,
    passphrase: await passphraseFor(daemon, ctx),
    allowUnverifiedCallers: ctx.values['allow-unverified-callers'] === true,
  });
  printSuccess(ctx.mode, 'serve', { socket: ctx.socketPath, data_dir: ctx.dataDir, pid: process.pid }, () => `serving on ${ctx.socketPath} (pid ${process.pid}); Ctrl-C stops`);
  return new Promise((resolve) => {
    const stop = (signal: string) => void running.stop(signal).then(() => resolve(0));
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** True once the daemon answers; false when it exited first (`exited`) or did not answer in time. */
async function waitUntilServing(socketPath: string, exited: () => boolean): Promise<boolean> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !exited()) {
    if (await isServing(socketPath)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function isServing(socketPath: string): Promise<boolean> {
  try {
    const client = await RpcClient.connect(socketPath);
    await client.call('health', {});
    client.close();
    return true;
  } catch {
    return false;
  }
}

async function background(ctx: CommandContext): Promise<number> {
  if (await isServing(ctx.socketPath)) {
    throw new DaemonError('DAEMON_ALREADY_RUNNING', `a daemon is already running on ${ctx.socketPath}`, 'use it: secrets status');
  }
  const daemon = await loadDaemon();
  const passphrase = await passphraseFor(daemon, ctx);
  const logPath = join(ctx.dataDir, 'daemon.log');
  const log = openSync(logPath, 'a', 0o600);
  const logStart = readFileSync(logPath).length;
  const { spawn } = await import('node:child_process');
  const flags = [...(passphrase !== undefined ? ['--passphrase-file', '-'] : []), ...(ctx.values['allow-unverified-callers'] ? ['--allow-unverified-callers'] : [])];
  const child = spawn(process.execPath, [process.argv[1]!, 'serve', '--foreground', '--json', ...flags], {
    detached: true,
    stdio: ['pipe', log, log],
    env: process.env,
  });
  child.stdin!.end(passphrase ?? '');
  let exited = false;
  child.once('exit', () => (exited = true));
  child.unref();
  if (!(await waitUntilServing(ctx.socketPath, () => exited))) {
    throw startFailure(logPath, logStart);
  }
  return printSuccess(ctx.mode, 'serve', { socket: ctx.socketPath, data_dir: ctx.dataDir, pid: child.pid, log: logPath }, () => `daemon started (pid ${child.pid}); log: ${logPath}`);
}

/**
 * Why the detached daemon did not start: its own error envelope from the log when it wrote one
 * (another daemon on the data dir, unverifiable callers …), else a pointer to the log.
 */
function startFailure(logPath: string, from: number): DaemonError {
  const lines = readFileSync(logPath).subarray(from).toString('utf8').split('\n');
  for (const line of lines.reverse()) {
    try {
      const envelope = JSON.parse(line) as { ok?: boolean; error?: { code?: string; message?: string; hint?: string } };
      const error = envelope.ok === false ? envelope.error : undefined;
      if (error?.code === 'DAEMON_ALREADY_RUNNING' || error?.code === 'DENIED') return new DaemonError(error.code, String(error.message), error.hint);
    } catch {
      // Not the envelope (a log line): keep looking.
    }
  }
  return new DaemonError('INTERNAL', 'the daemon did not start', `see ${logPath}`);
}

export const serve: Command = {
  name: 'serve',
  usage: 'serve [--foreground] [--passphrase-file F] [--allow-unverified-callers]',
  summary: 'run the headless daemon',
  help: 'Starts the daemon in the background (log: <data dir>/daemon.log) after asking for the store passphrase; --foreground stays attached (service managers, tests).',
  example: 'secrets serve',
  args: [0, 0],
  options: { foreground: { type: 'boolean' }, 'allow-unverified-callers': { type: 'boolean' }, ...PASSPHRASE_OPTION },
  run: (ctx) => (ctx.values.foreground ? foreground(ctx) : background(ctx)),
};
