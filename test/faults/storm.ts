/**
 * The traffic a crash loop kills the daemon in the middle of: a few workers, each on its own socket
 * connection, each choosing operations from its own seeded PRNG — adds, sets and rotations of the
 * secrets it owns (as the person), leases (pre-approved, through the CLI, or waiting for a person who
 * approves or denies), renewals and revocations — and recording in the ledger what was acknowledged.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDaemonError } from '../../shared/errors.js';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { type Ledger, type OpKind, type SecretRecord, VALUE_MARKER } from './ledger.js';
import type { Prng } from '../helpers/prng.js';
import type { CrashTarget } from './targets.js';

/** Secrets each worker owns (and so writes) at most. */
export const SECRETS_PER_WORKER = 5;
const TTLS = ['1s', '2s', '30s', '5m'];
/** Answers that a correct daemon gives during the storm (a denial, a lease that ended meanwhile…). */
const EXPECTED_ERRORS = new Set(['DENIED', 'LEASE_EXPIRED', 'LEASE_REVOKED', 'TIMEOUT', 'TOO_MANY_CONNECTIONS']);

/** Client ids the daemon lets lease without asking (config.json `approvals.preapproved`). */
export const steadyClient = (worker: number) => `steady-${worker}`;
export const CHECKER_CLIENT = 'crash-checker';

export interface StormContext {
  target: CrashTarget;
  ledger: Ledger;
  /** Where rotation hooks read their next value from (outside the data dir). */
  hookDir: string;
  cycle: number;
  /** Set just before the kill: an error from then on may be the kill's, so the outcome is unknown. */
  killing: boolean;
}

/** A value with awkward bytes, unique, holding the marker the plaintext check looks for. */
function valueFor(ctx: StormContext, rng: Prng, name: string): string {
  return `${VALUE_MARKER}${name}-${ctx.cycle}-${rng.int(0, 1e9).toString(36)} "q" \\ ü 🔑`;
}

/** Runs one worker until the kill ends its connection. */
export async function runWorker(ctx: StormContext, worker: number, rng: Prng): Promise<void> {
  let conn: RpcClient;
  try {
    conn = await RpcClient.connect(ctx.target.socket);
  } catch (error) {
    if (!ctx.killing) ctx.ledger.unexpected.push(`cycle ${ctx.cycle} worker ${worker} cannot connect: ${(error as Error).message}`);
    return;
  }
  let sequence = 0;
  const refused = (op: OpKind, error: unknown): boolean => {
    if (ctx.killing) return false;
    const code = isDaemonError(error) ? error.code : 'not a DaemonError';
    if (!EXPECTED_ERRORS.has(code)) ctx.ledger.unexpected.push(`cycle ${ctx.cycle} worker ${worker} ${op}: ${code}: ${(error as Error).message}`);
    return true;
  };
  try {
    while (!ctx.killing) {
      const op = chooseOp(ctx, worker, rng);
      sequence++;
      try {
        await OPS[op](ctx, { worker, rng, conn, sequence, refused: (error) => refused(op, error) });
      } catch (error) {
        refused(op, error);
      }
    }
  } finally {
    conn.close();
  }
}

interface OpEnv {
  worker: number;
  rng: Prng;
  conn: RpcClient;
  sequence: number;
  /** Records an error answer; true when the daemon was alive to give it (so a write did not apply). */
  refused: (error: unknown) => boolean;
}

type OpRunner = (ctx: StormContext, env: OpEnv) => Promise<void>;

function owned(ctx: StormContext, worker: number): SecretRecord[] {
  return [...ctx.ledger.secrets.values()].filter((s) => s.owner === worker);
}

function chooseOp(ctx: StormContext, worker: number, rng: Prng): OpKind {
  const mine = owned(ctx, worker);
  const canAdd = mine.length < SECRETS_PER_WORKER || mine.some((s) => s.acked === null);
  const canSet = mine.some((s) => s.acked !== null);
  const canRotate = mine.some((s) => s.acked !== null && s.hookFile !== null);
  const canLease = ctx.ledger.present().length > 0;
  const canHold = ctx.ledger.liveHeldLeases().length > 0;
  return rng.weighted<OpKind>({
    add: canAdd ? (canLease ? 6 : 50) : 0,
    set: canSet ? 10 : 0,
    rotate: canRotate ? 5 : 0,
    lease: canLease ? 30 : 0,
    cliLease: canLease ? 3 : 0,
    askLease: canLease ? 8 : 0,
    renew: canHold ? 10 : 0,
    revoke: canHold ? 6 : 0,
    adminRevoke: canHold ? 4 : 0,
  });
}

/** One write of a secret the worker owns; the ledger learns whether it was acknowledged. */
async function write(ctx: StormContext, env: OpEnv, record: SecretRecord, kind: 'add' | 'set' | 'rotate', send: (value: string) => Promise<boolean>): Promise<void> {
  const value = valueFor(ctx, env.rng, record.name);
  ctx.ledger.beginWrite(record, kind, value);
  let acknowledged: boolean;
  try {
    acknowledged = await send(value);
  } catch (error) {
    if (env.refused(error)) ctx.ledger.refuseWrite(record);
    return;
  }
  if (acknowledged) ctx.ledger.ackWrite(record);
  else ctx.ledger.refuseWrite(record);
}

const add: OpRunner = async (ctx, env) => {
  const mine = owned(ctx, env.worker);
  const record =
    mine.find((s) => s.acked === null) ??
    ctx.ledger.declare(`w${env.worker}_s${mine.length}`, env.worker, env.rng.chance(0.5) ? join(ctx.hookDir, `rotate-w${env.worker}_s${mine.length}`) : null);
  await write(ctx, env, record, 'add', async (value) => {
    const rotate_via = record.hookFile === null ? undefined : `cat '${record.hookFile}'`;
    await ctx.target.admin('secrets.add', { name: record.name, value, ...(rotate_via ? { rotate_via } : {}) });
    return true;
  });
};

const set: OpRunner = async (ctx, env) => {
  const record = env.rng.pick(owned(ctx, env.worker).filter((s) => s.acked !== null));
  await write(ctx, env, record, 'set', async (value) => {
    await ctx.target.admin('secrets.set', { name: record.name, value });
    return true;
  });
};

/** The hook prints what the test wrote to its file: the value a rotation stores is known in advance. */
const rotate: OpRunner = async (ctx, env) => {
  const record = env.rng.pick(owned(ctx, env.worker).filter((s) => s.acked !== null && s.hookFile !== null));
  await write(ctx, env, record, 'rotate', async (value) => {
    writeFileSync(record.hookFile!, value, { mode: 0o600 });
    const result = await ctx.target.admin('secrets.rotate', { name: record.name });
    if (!result.rotated) ctx.ledger.unexpected.push(`cycle ${ctx.cycle}: rotating ${record.name} failed: ${result.reason}`);
    return result.rotated;
  });
};

/** A lease over the worker's connection; its value must be one that was sent for that secret. */
async function leaseAs(ctx: StormContext, env: OpEnv, client_id: string, kind: OpKind): Promise<void> {
  const secret = env.rng.pick(ctx.ledger.present());
  const ttl = env.rng.pick(TTLS);
  try {
    const granted = await env.conn.call('lease.grant', { secret_name: secret.name, client_id, ttl });
    if (!secret.sent.has(granted.value)) ctx.ledger.unexpected.push(`cycle ${ctx.cycle}: lease of ${secret.name} returned a value never sent for it`);
    ctx.ledger.addLease({ lease_id: granted.lease_id, secret_name: secret.name, client_id, held: true, revoked: false });
    ctx.ledger.count(kind);
  } catch (error) {
    env.refused(error);
  }
}

const lease: OpRunner = (ctx, env) => leaseAs(ctx, env, steadyClient(env.worker), 'lease');

/**
 * A client nobody approved: the approver (approver.ts) reads its fate from its id — allowed once,
 * allowed for an hour (a grant), or denied — so the decisions follow the seed, not event timing.
 */
const askLease: OpRunner = (ctx, env) => {
  const fate = env.rng.weighted({ once: 4, grant: 2, deny: 3 });
  const client = fate === 'grant' ? `ask-grant-${env.worker}` : `ask-${fate}-${ctx.cycle}-${env.worker}-${env.sequence}`;
  return leaseAs(ctx, env, client, 'askLease');
};

/** As an agent runs it: the CLI spawned with no terminal. */
const cliLease: OpRunner = async (ctx, env) => {
  const secret = env.rng.pick(ctx.ledger.present());
  const client_id = steadyClient(env.worker);
  const result = await ctx.target.cli(['lease', secret.name, '--client-id', client_id, '--ttl', env.rng.pick(TTLS), '--json']);
  if (result.code !== 0) {
    if (!ctx.killing && result.json?.error?.code !== 'DENIED') ctx.ledger.unexpected.push(`cycle ${ctx.cycle}: CLI lease exited ${result.code}: ${result.stderr.trim()}`);
    return;
  }
  const granted = result.json.data;
  if (!secret.sent.has(granted.value)) ctx.ledger.unexpected.push(`cycle ${ctx.cycle}: CLI lease of ${secret.name} printed a value never sent for it`);
  ctx.ledger.addLease({ lease_id: granted.lease_id, secret_name: secret.name, client_id, held: false, revoked: false });
  ctx.ledger.count('cliLease');
};

const renew: OpRunner = async (ctx, env) => {
  const held = env.rng.pick(ctx.ledger.liveHeldLeases());
  await env.conn.call('lease.renew', { lease_id: held.lease_id, ttl: env.rng.pick(TTLS) });
  ctx.ledger.count('renew');
};

/** As the holder over its connection, or (adminRevoke) as the person. */
function revokeBy(kind: 'revoke' | 'adminRevoke'): OpRunner {
  return async (ctx, env) => {
    const held = env.rng.pick(ctx.ledger.liveHeldLeases());
    const params = { lease_id: held.lease_id };
    await (kind === 'revoke' ? env.conn.call('lease.revoke', params) : ctx.target.admin('lease.revoke', params));
    held.revoked = true;
    ctx.ledger.count(kind);
  };
}

const OPS: Record<OpKind, OpRunner> = { add, set, rotate, lease, askLease, cliLease, renew, revoke: revokeBy('revoke'), adminRevoke: revokeBy('adminRevoke') };
