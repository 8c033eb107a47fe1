/**
 * `secrets exec [--no-mask] [--ttl DUR] [--client-id ID] -- CMD ARGS…`: lease every secret of
 * .secrets.json as one approval request, run CMD with them in its environment only, mask them in its
 * output, and end its access with it. When a lease is revoked or expires, or the killswitch engages,
 * the daemon terminates the command's process group and this exits with EXIT_ACCESS_ENDED.
 */
import { DaemonError } from '../../../shared/errors.js';
import { APPROVAL_PENDING_NOTIFICATION } from '../../../shared/notifications.js';
import type { ApprovalRequestT, DaemonEvent, LeaseGrantedT } from '../../../shared/protocol.js';
import { CLIENT_ID_OPTION, type Command } from '../command.js';
import { deriveClientId } from '../client-id.js';
import { runSupervised } from '../exec/supervisor.js';
import { loadProjectConfig } from '../project-config.js';
import { RpcClient } from '../rpc-client.js';
import { tellPersonAboutPending } from './leases.js';

/** The command lost its secrets: a lease was revoked or expired, or the killswitch engaged. */
export const EXIT_ACCESS_ENDED = 79;

/** How long exec waits for the rest of the process group before killing it itself. */
const GROUP_DRAIN_MS = 10_000;

/** Why access ended, from a daemon event, or null when the event is not about these leases. */
function accessEnded(event: DaemonEvent, ours: Map<string, LeaseGrantedT>): string | null {
  if (event.type === 'killswitch.engaged') return `the killswitch was engaged (${String(event.data.reason ?? '')})`;
  if (event.type !== 'lease.revoked' && event.type !== 'lease.expired') return null;
  const lease = ours.get((event.data.lease as { lease_id: string }).lease_id);
  if (!lease) return null;
  return event.type === 'lease.expired' ? `lease ${lease.lease_id} of ${lease.secret_name} expired` : `lease ${lease.lease_id} of ${lease.secret_name} was revoked (${String(event.data.reason ?? 'revoked')})`;
}

export const exec: Command = {
  name: 'exec',
  usage: 'exec [--no-mask] [--ttl DUR] [--client-id ID] -- CMD [ARGS…]',
  summary: 'run a command with the .secrets.json secrets in its environment, masked in its output',
  args: [1, 10_000],
  options: { 'no-mask': { type: 'boolean' }, ttl: { type: 'string' }, ...CLIENT_ID_OPTION },
  async run(ctx) {
    const [command, ...args] = ctx.positionals;
    const project = loadProjectConfig();
    const clientId = (ctx.values['client-id'] as string | undefined) ?? project.client_id ?? deriveClientId();
    const client = await RpcClient.connect(ctx.socketPath);
    const ours = new Map<string, LeaseGrantedT>();
    let ended: string | null = null;
    let stop: (() => void) | null = null;
    client.onEvent = (event) => {
      const why = accessEnded(event, ours);
      if (why === null || ended !== null) return;
      ended = why;
      stop?.();
    };
    client.onNotification = (method, params) => {
      if (method === APPROVAL_PENDING_NOTIFICATION) tellPersonAboutPending(params.request as ApprovalRequestT);
    };
    try {
      await client.call('events.subscribe', {});
      const ttl = ctx.values.ttl as string | undefined;
      const { leases } = await client.call('lease.grant_many', {
        secrets: project.secrets.map((s) => ({ secret_name: s.name, ttl: ttl ?? s.ttl })),
        client_id: clientId,
        client_pid: process.pid,
      });
      leases.forEach((lease) => ours.set(lease.lease_id, lease));
      const values = project.secrets.map((s, i) => ({ name: s.name, env_var: s.env_var, value: leases[i]!.value }));
      const env = { ...(process.env as Record<string, string>), ...Object.fromEntries(values.map((v) => [v.env_var, v.value])) };
      let run;
      try {
        run = await runSupervised(command!, args, env, ctx.values['no-mask'] ? null : values);
      } catch (error) {
        throw new DaemonError('USAGE', `cannot run ${JSON.stringify(command)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'check the command name and PATH');
      }
      stop = () => run.signal('SIGTERM');
      if (ended !== null) stop();
      const unregistered = await client.call('exec.register', { pid: run.pid, pgid: run.pid, lease_ids: [...ours.keys()] }).then(
        () => null,
        (error: unknown) => error,
      );
      // A command that already finished needs no supervising; one the daemon cannot stop must not run.
      if (unregistered !== null && !run.done) {
        run.signal('SIGKILL');
        await run.exited;
        throw unregistered;
      }
      const code = await run.exited;
      if (ended !== null) {
        // The daemon kills what ignores SIGTERM after its grace; exec returns once all of it is gone.
        await run.drainGroup(GROUP_DRAIN_MS);
        process.stderr.write(`secrets: error: the command was stopped: ${ended}\nsecrets: hint: lease again (secrets exec …) once access is restored\n`);
        return EXIT_ACCESS_ENDED;
      }
      return code;
    } finally {
      // The command is done: its leases end with it.
      await Promise.allSettled([...ours.keys()].map((lease_id) => client.call('lease.revoke', { lease_id })));
      client.close();
    }
  },
};
