/** audit: read, stream (--follow) and verify the audit log. */
import { DaemonError } from '../../../shared/errors.js';
import type { AuditEntryT, ParamsOf } from '../../../shared/protocol.js';
import type { Command } from '../command.js';
import type { CommandContext } from '../context.js';
import { printSuccess, writeOut } from '../output.js';
import { RpcClient } from '../rpc-client.js';

function humanLine(e: AuditEntryT): string {
  const who = [e.client_id && `client=${e.client_id}`, e.pid && `pid=${e.pid}`, e.secret_name && `secret=${e.secret_name}`, e.lease_id && `lease=${e.lease_id}`];
  const detail = e.detail ? ' ' + JSON.stringify(e.detail) : '';
  return `${e.at}  #${e.id}  ${e.action.padEnd(16)} ${e.outcome.padEnd(6)} ${who.filter(Boolean).join(' ')}${detail}`;
}

function parseTail(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    throw new DaemonError('USAGE', `--tail ${String(value).slice(0, 20)} is not a count`, 'use --tail N with N between 1 and 100000');
  }
  return n;
}

function matches(entry: AuditEntryT, filter: ParamsOf<'audit.query'>): boolean {
  return (
    (filter.client_id === undefined || entry.client_id === filter.client_id) &&
    (filter.secret_name === undefined || entry.secret_name === filter.secret_name) &&
    (filter.action === undefined || entry.action === filter.action)
  );
}

async function verify(ctx: CommandContext): Promise<number> {
  const result = await ctx.call('audit.verify', {});
  if (!result.ok && result.first_bad) {
    throw new DaemonError('AUDIT_TAMPERED', `audit log fails verification at entry ${result.first_bad.id}: ${result.first_bad.reason}`, `inspect it with: secrets audit --tail 20 (checked ${result.checked} good entries before it)`);
  }
  return printSuccess(ctx.mode, 'audit verify', result, () => `audit chain intact: ${result.checked} entries verified`);
}

/** Prints the tail, then every new entry as it is appended, until interrupted or the daemon stops. */
async function follow(ctx: CommandContext, filter: ParamsOf<'audit.query'>, print: (e: AuditEntryT) => void): Promise<number> {
  const client = await RpcClient.connect(ctx.socketPath);
  let lastId = 0;
  const backlog: AuditEntryT[] = [];
  let live = false;
  const show = (entry: AuditEntryT) => {
    if (entry.id <= lastId || !matches(entry, filter)) return;
    lastId = entry.id;
    print(entry);
  };
  client.onEvent = (event) => {
    if (event.type !== 'audit.appended') return;
    const entry = event.data.entry as AuditEntryT;
    if (live) show(entry);
    else backlog.push(entry);
  };
  // Subscribe before reading the tail so nothing appended in between is missed; ids dedupe.
  await client.call('events.subscribe', {});
  const { entries } = await client.call('audit.query', filter);
  entries.forEach(show);
  backlog.forEach(show);
  live = true;
  return new Promise((resolve) => {
    client.onClose = () => resolve(0);
    process.once('SIGINT', () => (client.close(), resolve(0)));
  });
}

export const audit: Command = {
  name: 'audit',
  usage: 'audit [--tail N] [--since DUR] [--client ID] [--secret NAME] [--action A] [--jsonl] [--follow] | audit verify',
  summary: 'read, stream or verify the tamper-evident audit log',
  example: 'secrets audit --tail 20 --client my-agent',
  args: [0, 1],
  options: {
    tail: { type: 'string' },
    since: { type: 'string' },
    client: { type: 'string' },
    secret: { type: 'string' },
    action: { type: 'string' },
    jsonl: { type: 'boolean' },
    follow: { type: 'boolean', short: 'f' },
  },
  async run(ctx) {
    const sub = ctx.positionals[0];
    if (sub === 'verify') return verify(ctx);
    if (sub !== undefined) throw new DaemonError('USAGE', `unknown audit subcommand "${sub.slice(0, 40)}"`, 'secrets audit [--tail N] … | secrets audit verify');
    const filter: ParamsOf<'audit.query'> = {
      tail: parseTail(ctx.values.tail),
      since: ctx.values.since as string | undefined,
      client_id: ctx.values.client as string | undefined,
      secret_name: ctx.values.secret as string | undefined,
      action: ctx.values.action as string | undefined,
    };
    const jsonl = Boolean(ctx.values.jsonl) || (ctx.values.follow === true && ctx.mode === 'json');
    const print = (e: AuditEntryT) => writeOut((jsonl ? JSON.stringify(e) : humanLine(e)) + '\n');
    if (ctx.values.follow) return follow(ctx, filter, print);
    const result = await ctx.call('audit.query', filter);
    if (jsonl) {
      result.entries.forEach(print);
      return 0;
    }
    return printSuccess(ctx.mode, 'audit', result, () => (result.entries.length ? result.entries.map(humanLine).join('\n') : 'no matching entries'));
  },
};
