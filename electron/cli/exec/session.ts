/**
 * One run of a command with secrets: what `secrets exec` and the MCP tool `secrets_exec` both do.
 * Every secret is leased as one approval request (`lease.grant_many`), the values go into the
 * command's environment only and are masked in its output, its process group is registered with the
 * daemon (so a revocation, an expiry or the killswitch terminates it even if this process does
 * nothing), and its leases are revoked when it is done. The values never leave this module: callers
 * get the exit code and masked output, never a lease's value.
 */
import { DaemonError } from '../../../shared/errors.js';
import { APPROVAL_PENDING_NOTIFICATION } from '../../../shared/notifications.js';
import type { ApprovalRequestT, DaemonEvent, LeaseGrantedT } from '../../../shared/protocol.js';
import type { ProjectSecret } from '../project-config.js';
import { RpcClient } from '../rpc-client.js';
import { MIN_MASKED_LENGTH, tooShortToMask } from '../../../shared/mask-length.js';
import { type Sink, type SupervisedRun, runSupervised } from './supervisor.js';

export interface SecretsCommand {
  socketPath: string;
  clientId: string;
  secrets: ProjectSecret[];
  /** Overrides every secret's own TTL. */
  ttl?: string;
  command: string;
  args: string[];
  cwd?: string;
  /** The environment the command starts from; the secrets are added to it. */
  env: Record<string, string>;
  stdin: 'inherit' | 'ignore';
  /** stdout and stderr, masked into these sinks; 'unmasked': this process's own (`--no-mask`). */
  output: { stdout: Sink; stderr: Sink } | 'unmasked';
  forwardSignals: boolean;
  /** How long the command may run (the wait for a person's approval is not counted). */
  timeoutMs?: number;
  /** Aborting withdraws the wait for approval, or stops the command (a cancelled call, a shutdown). */
  signal?: AbortSignal;
  onApprovalPending?: (request: ApprovalRequestT) => void;
}

/** Why a command was stopped before it finished on its own. */
export interface Stopped {
  /** The daemon ended its access (killswitch, revoked, expired), or the caller stopped it (TIMEOUT: a timeout or an abort). */
  code: 'KILLSWITCH_ENGAGED' | 'LEASE_REVOKED' | 'LEASE_EXPIRED' | 'TIMEOUT';
  /** `lease L-… of github_token was revoked (…)`, `the killswitch was engaged (…)`, … */
  reason: string;
}

export interface SecretsCommandOutcome {
  /** The command's exit code (128 + signal when a signal ended it). */
  exitCode: number;
  stopped: Stopped | null;
}

/** How long to wait for the rest of the process group once access ended (the daemon kills it after its grace). */
const GROUP_DRAIN_MS = 10_000;
/** A command stopped by its caller gets this long between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** Why access ended, from a daemon event, or null when the event is not about these leases. */
function accessEnded(event: DaemonEvent, ours: Map<string, LeaseGrantedT>): Stopped | null {
  if (event.type === 'killswitch.engaged') return { code: 'KILLSWITCH_ENGAGED', reason: `the killswitch was engaged (${String(event.data.reason ?? '')})` };
  if (event.type !== 'lease.revoked' && event.type !== 'lease.expired') return null;
  const lease = ours.get((event.data.lease as { lease_id: string }).lease_id);
  if (!lease) return null;
  return event.type === 'lease.expired'
    ? { code: 'LEASE_EXPIRED', reason: `lease ${lease.lease_id} of ${lease.secret_name} expired` }
    : { code: 'LEASE_REVOKED', reason: `lease ${lease.lease_id} of ${lease.secret_name} was revoked (${String(event.data.reason ?? 'revoked')})` };
}

/**
 * The refusal to run with values the masker cannot hide: the command's output would show them. Names
 * only, and no more about a value than that it is short.
 */
function unmaskableValues(names: string[]): DaemonError {
  const quoted = names.map((name) => `"${name}"`).join(', ');
  const fixes = names.map((name) => `secrets set ${name}`).join(', ');
  return new DaemonError(
    'INVALID_VALUE',
    `did not run the command: the value of ${names.length === 1 ? 'secret' : 'secrets'} ${quoted} is shorter than ${MIN_MASKED_LENGTH} characters, too short to hide in its output`,
    `the store owner gives ${names.length === 1 ? 'it a longer value' : 'each a longer value'} with: ${fixes}`,
  );
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'the call was cancelled';
}

/**
 * @throws DaemonError from the daemon before the command starts (not found, denied, locked …), USAGE
 * when the command cannot be started, TIMEOUT when aborted before it started, INVALID_VALUE when a
 * masked run would get a value too short to mask; the leases taken are revoked in every case.
 */
export async function runWithSecrets(run: SecretsCommand): Promise<SecretsCommandOutcome> {
  run.signal?.throwIfAborted();
  const client = await RpcClient.connect(run.socketPath);
  const ours = new Map<string, LeaseGrantedT>();
  // Mutated from event handlers and timers, so held in an object (TypeScript would narrow a `let`).
  const state: { leasing: boolean; stopped: Stopped | null; graceMs: number; child: SupervisedRun | null; drained: Promise<void> } = {
    leasing: true,
    stopped: null,
    graceMs: 0,
    child: null,
    drained: Promise.resolve(),
  };
  const signalStop = () => {
    if (state.stopped === null || state.child === null) return;
    state.child.signal('SIGTERM');
    // Started now, not after the exit: a grandchild that ignores SIGTERM keeps the output pipes open.
    state.drained = state.child.drainGroup(state.graceMs);
  };
  /**
   * Stops the command (or, before it starts, marks it to be stopped as soon as it does). The first
   * reason wins; but the killswitch revokes the leases (and their events arrive) just before it says
   * it engaged, so a revocation it caused takes its code.
   */
  const stop = (why: Stopped, graceMs: number) => {
    if (state.stopped?.code === 'LEASE_REVOKED' && why.code === 'KILLSWITCH_ENGAGED') state.stopped = { ...state.stopped, code: why.code };
    if (state.stopped !== null) return;
    state.stopped = why;
    state.graceMs = graceMs;
    signalStop();
  };
  client.onEvent = (event) => {
    const why = accessEnded(event, ours);
    if (why !== null) stop(why, GROUP_DRAIN_MS);
  };
  client.onNotification = (method, params) => {
    if (method === APPROVAL_PENDING_NOTIFICATION) run.onApprovalPending?.(params.request as ApprovalRequestT);
  };
  // While leasing, an abort closes the connection: the daemon withdraws the wait for a person.
  const onAbort = () => (state.leasing ? client.close() : stop({ code: 'TIMEOUT', reason: abortReason(run.signal!) }, STOP_GRACE_MS));
  run.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    let leases: LeaseGrantedT[];
    try {
      await client.call('events.subscribe', {});
      ({ leases } = await client.call('lease.grant_many', {
        secrets: run.secrets.map((s) => ({ secret_name: s.name, ttl: run.ttl ?? s.ttl })),
        client_id: run.clientId,
        client_pid: process.pid,
      }));
    } catch (error) {
      if (run.signal?.aborted) throw new DaemonError('TIMEOUT', `stopped before the command started: ${abortReason(run.signal)}`);
      throw error;
    }
    state.leasing = false;
    leases.forEach((lease) => ours.set(lease.lease_id, lease));
    const values = run.secrets.map((s, i) => ({ name: s.name, env_var: s.env_var, value: leases[i]!.value }));
    // Known only once leased; `--no-mask` shows every value anyway.
    const unmaskable = values.filter((v) => tooShortToMask(v.value)).map((v) => v.name);
    if (run.output !== 'unmasked' && unmaskable.length > 0) throw unmaskableValues(unmaskable);
    const env = { ...run.env, ...Object.fromEntries(values.map((v) => [v.env_var, v.value])) };
    const output = run.output === 'unmasked' ? null : { ...run.output, mask: values };
    try {
      state.child = await runSupervised({ command: run.command, args: run.args, env, cwd: run.cwd, stdin: run.stdin, output, forwardSignals: run.forwardSignals });
    } catch (error) {
      throw new DaemonError('USAGE', `cannot run ${JSON.stringify(run.command)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'check the command name and PATH');
    }
    const started = state.child;
    // Access may have ended, or the caller given up, while the command was starting.
    signalStop();
    if (run.timeoutMs !== undefined) {
      const ms = run.timeoutMs;
      timer = setTimeout(() => stop({ code: 'TIMEOUT', reason: `it ran longer than its timeout of ${Math.round(ms / 1000)}s` }, STOP_GRACE_MS), ms);
    }
    const unregistered = await client.call('exec.register', { pid: started.pid, pgid: started.pid, lease_ids: [...ours.keys()] }).then(
      () => null,
      (error: unknown) => error,
    );
    // A command that already finished needs no supervising; one the daemon cannot stop must not run.
    if (unregistered !== null && !started.done) {
      started.signal('SIGKILL');
      await started.exited;
      throw unregistered;
    }
    const exitCode = await started.exited;
    clearTimeout(timer);
    // The killswitch signals process groups before it writes its events: a command it ended can exit
    // before they arrive. The daemon answers in order, so after one round trip they are all here.
    if (state.stopped === null) await client.call('health', {}).catch(() => undefined);
    // Once stopped, this returns only when all of the group is gone.
    await state.drained;
    return { exitCode, stopped: state.stopped };
  } finally {
    clearTimeout(timer);
    run.signal?.removeEventListener('abort', onAbort);
    // The command is done: its leases end with it.
    await Promise.allSettled([...ours.keys()].map((lease_id) => client.call('lease.revoke', { lease_id })));
    client.close();
  }
}
