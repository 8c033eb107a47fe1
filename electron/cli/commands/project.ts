/** env and cleanup: the project workflow's env file, written and deleted by the daemon. */
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { APPROVAL_PENDING_NOTIFICATION } from '../../../shared/notifications.js';
import type { ApprovalRequestT } from '../../../shared/protocol.js';
import { CLIENT_ID_OPTION, type Command } from '../command.js';
import { deriveClientId } from '../client-id.js';
import { loadProjectConfig } from '../project-config.js';
import { printSuccess } from '../output.js';
import { tellPersonAboutPending } from './leases.js';

/** `path` with symlinks resolved when it exists; else as given, and the daemon says what is wrong. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export const env: Command = {
  name: 'env',
  usage: 'env [--force] [--out FILE] [--ttl DUR] [--client-id ID]',
  summary: 'write the .secrets.json secrets to a 0600 env file, deleted when their leases end',
  help: 'Only for a tool that must read a file: prefer secrets exec. The daemon writes the file (0600) inside the project and deletes it when a lease ends, at secrets revoke --all, or with secrets cleanup.',
  example: 'secrets env --out .env.local --ttl 30m --client-id my-agent',
  args: [0, 0],
  options: { force: { type: 'boolean' }, out: { type: 'string' }, ttl: { type: 'string' }, ...CLIENT_ID_OPTION },
  async run(ctx) {
    const project = loadProjectConfig();
    const out = ctx.values.out as string | undefined;
    const ttl = ctx.values.ttl as string | undefined;
    // The daemon writes only inside the project, through no symlink: send the real paths a person
    // means (a project under a symlinked home still works), and let the daemon check them.
    const wanted = out === undefined ? project.env_file : resolve(out);
    const result = await ctx.callWithNotifications(
      'env.write',
      {
        path: join(real(dirname(wanted)), basename(wanted)),
        project_dir: real(dirname(project.path)),
        force: ctx.values.force === true ? true : undefined,
        secrets: project.secrets.map((s) => ({ secret_name: s.name, env_var: s.env_var, ttl: ttl ?? s.ttl })),
        client_id: (ctx.values['client-id'] as string | undefined) ?? project.client_id ?? deriveClientId(),
        client_pid: process.pid,
      },
      (method, params) => {
        if (method === APPROVAL_PENDING_NOTIFICATION) tellPersonAboutPending(params.request as ApprovalRequestT);
      },
    );
    const until = result.leases.map((l) => l.expires_at).sort()[0];
    return printSuccess(ctx.mode, 'env', result, () => `wrote ${result.path} (${result.leases.length} secret(s), mode 0600); it is deleted when a lease ends, first at ${until}`);
  },
};

export const cleanup: Command = {
  name: 'cleanup',
  usage: 'cleanup [--dry-run]',
  summary: 'delete env files whose leases have all ended (--dry-run lists them)',
  example: 'secrets cleanup --dry-run',
  args: [0, 0],
  options: { 'dry-run': { type: 'boolean' } },
  async run(ctx) {
    const result = await ctx.call('env.cleanup', { dry_run: ctx.values['dry-run'] === true ? true : undefined });
    return printSuccess(ctx.mode, 'cleanup', result, () =>
      result.paths.length === 0 ? 'nothing to clean up' : `${result.deleted ? 'deleted' : 'would delete'}:\n${result.paths.join('\n')}`,
    );
  },
};
