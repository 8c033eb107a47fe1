/** The project workflow: env files the daemon writes and deletes, and the process groups `exec` supervises. */
import type { Core } from '../../core.js';
import { checkEnvTarget } from '../../processes/env-target.js';
import { envFileText, writeEnvFile } from '../../processes/env-writer.js';
import { grantAll } from './leases.js';
import { holderScope } from '../rights.js';
import type { HandlerGroup } from './types.js';

export function projectHandlers(core: Core): HandlerGroup<'env.write' | 'env.cleanup' | 'exec.register'> {
  return {
    'env.write': async (p, caller) => {
      // The rules were checked before anyone was asked (server/rights.ts); checked again here because
      // the approval may have taken minutes, and the writer anchors to the directory as it is now.
      const leases = await grantAll(core, p, caller);
      try {
        checkEnvTarget(p.path, p.project_dir, core.options.dataDir);
        const entries = leases.map((lease, i) => ({ env_var: p.secrets[i]!.env_var, lease }));
        const text = envFileText(entries, p.client_id, new Date(core.clock.now()));
        writeEnvFile(p.path, text, { force: p.force === true, registry: core.envFiles, leaseIds: leases.map((l) => l.lease_id) });
      } catch (error) {
        leases.forEach((lease) => core.leases.revoke({ lease_id: lease.lease_id }, 'the env file could not be written'));
        throw error;
      }
      return { path: p.path, leases: leases.map(({ lease_id, secret_name, expires_at }) => ({ lease_id, secret_name, expires_at })) };
    },
    'env.cleanup': (p) => {
      const stale = core.envFiles.stale(new Set(core.leases.list({}).map((l) => l.lease_id)));
      const dryRun = p.dry_run === true;
      // Only files still the daemon's are listed or deleted; a replaced one is left alone (and logged).
      const paths = stale.filter((path) => core.envFiles.remove(path, dryRun) === (dryRun ? 'deletable' : 'deleted'));
      return { paths, deleted: !dryRun };
    },
    'exec.register': (p, caller) => {
      core.killswitch.assertDisengaged();
      // Only the holder ties a group to leases: nobody makes another program's lease kill its group.
      for (const lease_id of p.lease_ids) core.leases.held(lease_id, holderScope(caller));
      core.supervised.register(p, caller.identity?.()?.pid ?? null);
      return { registered: true as const };
    },
  };
}
