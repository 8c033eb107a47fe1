/** status and health: what the daemon is doing. */
import type { Command } from '../command.js';
import { printSuccess } from '../output.js';

export const status: Command = {
  name: 'status',
  usage: 'status',
  summary: 'daemon state, counts, lock and killswitch state, warnings',
  example: 'secrets status --json',
  args: [0, 0],
  async run(ctx) {
    const s = await ctx.call('status', {});
    return printSuccess(ctx.mode, 'status', s, () =>
      [
        `agent-secrets ${s.version}: running (pid ${s.pid}, up ${s.uptime_s}s)`,
        `store       ${s.data_dir} (${s.protection})`,
        `socket      ${s.socket}`,
        `secrets     ${s.counts.secrets}`,
        `leases      ${s.counts.active_leases} active (default TTL ${s.limits.default_lease_ttl}, max ${s.limits.max_lease_ttl})`,
        `audit       ${s.counts.audit_entries} entries`,
        `killswitch  ${s.killswitch.engaged ? 'ENGAGED' : 'disengaged'}`,
        ...s.warnings.map((w) => `warning: ${w}`),
      ].join('\n'),
    );
  },
};

export const health: Command = {
  name: 'health',
  usage: 'health',
  summary: 'is the daemon alive',
  example: 'secrets health',
  args: [0, 0],
  async run(ctx) {
    const h = await ctx.call('health', {});
    return printSuccess(ctx.mode, 'health', h, () => `ok (version ${h.version}, up ${h.uptime_s}s)`);
  },
};
