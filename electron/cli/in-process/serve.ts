/**
 * `secrets serve`: run the headless daemon. `--foreground` runs it in this process until SIGTERM or
 * SIGINT; without it, a detached copy is started and this command returns once it answers.
 */
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonError } from '../../../shared/errors.js';
import { type Command, PASSPHRASE_OPTION } from '../command.js';
import type { CommandContext } from '../context.js';
import { obtainPassphrase } from '../inputs.js';
import { printSuccess } from '../output.js';
import { RpcClient } from '../rpc-client.js';
import { type Daemon, loadDaemon } from './load-daemon.js';

const START_TIMEOUT_MS = 15_000;

async function passphraseFor(daemon: Daemon, ctx: CommandContext): Promise<string | undefined> {
  if (daemon.detectProtection(ctx.dataDir) !== 'passphrase') return undefined;
  const passphrase = await obtainPassphrase(ctx.values['passphrase-file'] as string | undefined, 'Store passphrase: ');
  if (passphrase === null) {
    throw new DaemonError('USAGE', 'the store is protected by a passphrase and there is no terminal to ask on', 'pass --passphrase-file FILE');
  }
  return passphrase;
}

async function foreground(ctx: CommandContext): Promise<number> {
  const daemon = await loadDaemon();
  const running = await daemon.startDaemon({ dataDir: ctx.dataDir, socketPath: ctx.socketPath, passphrase: await passphraseFor(daemon, ctx) });
  printSuccess(ctx.mode, 'serve', { socket: ctx.socketPath, data_dir: ctx.dataDir, pid: process.pid }, () => `serving on ${ctx.socketPath} (pid ${process.pid}); Ctrl-C stops`);
  return new Promise((resolve) => {
    const stop = (signal: string) => void running.stop(signal).then(() => resolve(0));
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

async function waitUntilServing(socketPath: string): Promise<boolean> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
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
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [process.argv[1]!, 'serve', '--foreground', '--json', ...(passphrase !== undefined ? ['--passphrase-file', '-'] : [])], {
    detached: true,
    stdio: ['pipe', log, log],
    env: process.env,
  });
  child.stdin!.end(passphrase ?? '');
  child.unref();
  if (!(await waitUntilServing(ctx.socketPath))) {
    throw new DaemonError('INTERNAL', 'the daemon did not start', `see ${logPath}`);
  }
  return printSuccess(ctx.mode, 'serve', { socket: ctx.socketPath, data_dir: ctx.dataDir, pid: child.pid, log: logPath }, () => `daemon started (pid ${child.pid}); log: ${logPath}`);
}

export const serve: Command = {
  name: 'serve',
  usage: 'serve [--foreground] [--passphrase-file F]',
  summary: 'run the headless daemon',
  args: [0, 0],
  options: { foreground: { type: 'boolean' }, ...PASSPHRASE_OPTION },
  run: (ctx) => (ctx.values.foreground ? foreground(ctx) : background(ctx)),
};
