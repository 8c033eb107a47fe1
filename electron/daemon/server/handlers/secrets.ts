/** Secrets themselves: list (metadata only), add, set, remove (admin), rotate. */
import type { Core } from '../../core.js';
import type { HandlerGroup } from './types.js';

export function secretHandlers(core: Core): HandlerGroup<'secrets.list' | 'secrets.add' | 'secrets.set' | 'secrets.remove' | 'secrets.rotate'> {
  return {
    'secrets.list': () => ({ secrets: core.secrets.list() }),
    'secrets.add': async (p) => ({ secret: await core.secrets.add(p) }),
    'secrets.set': async (p) => ({ secret: await core.secrets.set(p.name, p.value) }),
    'secrets.remove': (p) =>
      core.journal.run((tx) => {
        const revoked = core.leases.revokeInTx(tx, { secret_name: p.name }, 'secret removed');
        core.secrets.removeInTx(tx, p.name);
        return { name: p.name, revoked_leases: revoked.length };
      }),
    'secrets.rotate': (p) => core.rotator.rotate(p.name),
  };
}
