/** killswitch: cut all access now (anyone may), or unlock afterwards (admin). */
import { DaemonError } from '../../../shared/errors.js';
import { type Command, PASSPHRASE_OPTION } from '../command.js';
import { printSuccess } from '../output.js';

export const killswitch: Command = {
  name: 'killswitch',
  usage: 'killswitch [--rotate] [--wipe] [--reason R] | killswitch --disengage [--passphrase-file F]',
  summary: 'revoke every lease, kill supervised processes, lock the store (anyone); --disengage unlocks (admin)',
  help: 'Anyone may engage it: every lease is revoked, supervised commands are killed, env files deleted, the store locked until the store owner runs secrets killswitch --disengage.',
  example: "secrets killswitch --reason 'token leaked in a log'",
  args: [0, 0],
  options: { wipe: { type: 'boolean' }, rotate: { type: 'boolean' }, reason: { type: 'string' }, disengage: { type: 'boolean' }, ...PASSPHRASE_OPTION },
  async run(ctx) {
    if (ctx.values.disengage) {
      if (ctx.values.wipe || ctx.values.rotate || ctx.values.reason !== undefined) throw new DaemonError('USAGE', '--disengage takes no other option', 'secrets killswitch --disengage');
      const result = await ctx.adminCall('killswitch.disengage', {});
      return printSuccess(ctx.mode, 'killswitch --disengage', result, () => 'killswitch disengaged: leases can be granted again');
    }
    // Anyone may engage; --wipe and --rotate are admin: proved with --passphrase-file or at a prompt.
    const report = await ctx.adminCall('killswitch.engage', {
      reason: ctx.values.reason as string | undefined,
      wipe: ctx.values.wipe === true ? true : undefined,
      rotate: ctx.values.rotate === true ? true : undefined,
    });
    return printSuccess(ctx.mode, 'killswitch', report, () =>
      [
        'killswitch ENGAGED: every lease is refused until the store owner runs: secrets killswitch --disengage',
        `revoked ${report.revoked_leases} lease(s), denied ${report.denied_requests} request(s), terminated ${report.terminated_process_groups} process group(s), deleted ${report.deleted_env_files} env file(s)`,
        ...(ctx.values.wipe ? [`wiped ${report.wiped_secrets} secret value(s)`] : []),
        ...(report.rotations_started > 0 ? [`rotating ${report.rotations_started} secret(s) in the background: secrets audit --action secret.rotated`] : []),
      ].join('\n'),
    );
  },
};
