/** health, status and the admin challenge: what anyone may ask of the daemon. */
import { formatDuration } from '../../../../shared/durations.js';
import { VERSION } from '../../../../shared/version.js';
import type { Core } from '../../core.js';
import type { HandlerGroup } from './types.js';

export function statusHandlers(core: Core): HandlerGroup<'health' | 'status' | 'auth.challenge'> {
  const uptime = () => Math.round((core.clock.now() - core.startedAt) / 1000);
  return {
    health: () => ({ ok: true, version: VERSION, uptime_s: uptime() }),
    'auth.challenge': () => core.adminGate.challenge(),

    status: (_params, caller) => {
      const killswitch = core.killswitch.state();
      const protection = core.options.identity.protection;
      const warnings: string[] = [];
      if (killswitch.engaged) warnings.push(`the killswitch is engaged (${killswitch.reason ?? 'no reason given'}): every lease is refused until the store owner runs: secrets killswitch --disengage`);
      if (protection === 'insecure-keyfile') {
        warnings.push('the identity is a plaintext key file (--insecure-keyfile): admin actions are open to any local process, so an agent can approve itself');
      }
      const { locked_until } = core.adminGate.state();
      if (locked_until !== null) warnings.push(`too many wrong admin proofs: admin actions are refused until ${new Date(locked_until).toISOString()}`);
      if (core.options.allowUnverifiedCallers) {
        warnings.push('started with --allow-unverified-callers: a caller whose process cannot be verified is served, so an agent may pass as another program; restart without it once the peer-credentials addon loads');
      }
      if (core.config.file.approvals.policy === 'preapproved') {
        warnings.push(`approval policy "preapproved": ${core.config.file.approvals.preapproved.length} client(s) from config.json lease without asking`);
      }
      const agentSocket = core.agentSocket;
      if (agentSocket?.problem) warnings.push(`the agent socket ${agentSocket.path} is not serving: ${agentSocket.problem}`);
      return {
        version: VERSION,
        pid: process.pid,
        started_at: new Date(core.startedAt).toISOString(),
        uptime_s: uptime(),
        data_dir: core.options.dataDir,
        // An agent is told the socket it talks to: the person's own is not its to use.
        socket: caller.transport === 'agent-socket' && agentSocket !== null ? agentSocket.path : core.options.socketPath,
        protection,
        locked: killswitch.engaged,
        killswitch,
        heartbeat: heartbeatStatus(core),
        admin: adminStatus(core),
        approvals: { policy: core.config.file.approvals.policy, pending: core.approvals.pendingCount, timeout: formatDuration(core.config.approvalTimeoutMs) },
        counts: { secrets: core.secrets.count(), active_leases: core.leases.activeCount(), audit_entries: core.audit.count() },
        limits: { default_lease_ttl: formatDuration(core.config.defaultLeaseTtlMs), max_lease_ttl: formatDuration(core.config.maxLeaseTtlMs) },
        agent_socket: agentSocket,
        warnings,
      };
    },
  };
}

function adminStatus(core: Core) {
  const { failed_proofs, locked_until } = core.adminGate.state();
  return { failed_proofs, locked_until: locked_until === null ? null : new Date(locked_until).toISOString() };
}

/** The heartbeat as `status` shows it: the URL only as its origin (a path may hold a token). */
function heartbeatStatus(core: Core) {
  const state = core.heartbeat?.state();
  if (!state) return { enabled: false };
  return { ...state, url: new URL(state.url).origin };
}
