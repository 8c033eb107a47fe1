/** The project workflow: env files the daemon writes and deletes, and the process groups `exec` supervises. */
import type { Core } from '../../core.js';
import { envFileText, writeEnvFile } from '../../processes/env-writer.js';
import { grantAll } from './leases.js';
import type { HandlerGroup } from './types.js';

export function projectHandlers(core: Core): HandlerGroup<'env.write' | 'env.cleanup' | 'exec.register'> {
  return {
    'env.write': async (p, caller) => {
      const leases = await grantAll(core, p, caller);
      try {
        const entries = leases.map((lease, i) => ({ env_var: p.secrets[i]!.env_var, lease }));
        writeEnvFile(p.path, envFileText(entries, p.client_id, new Date(core.clock.now())), p.force === true, core.envFiles, leases.map((l) => l.lease_id));
      } catch (error) {
        leases.forEach((lease) => core.leases.revoke({ lease_id: lease.lease_id }, 'the env file could not be written'));
        throw error;
      }
      return { path: p.path, leases: leases.map(({ lease_id, secret_name, expires_at }) => ({ lease_id, secret_name, expires_at })) };
    },
    'env.cleanup': (p) => {
      const stale = core.envFiles.stale(new Set(core.leases.list({}).map((l) => l.lease_id)));
      if (!p.dry_run) stale.forEach((path) => core.envFiles.remove(path));
      return { paths: stale, deleted: !p.dry_run };
    },
    'exec.register': (p, caller) => {
      core.killswitch.assertDisengaged();
      core.supervised.register(p, caller.identity?.()?.pid ?? null);
      return { registered: true as const };
    },
  };
}
