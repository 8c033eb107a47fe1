/** Secrets themselves: list (metadata only), add, set, remove (admin), rotate. */
import type { Core } from '../../core.js';
import { actorOf } from '../rights.js';
import type { HandlerGroup } from './types.js';

export function secretHandlers(core: Core): HandlerGroup<'secrets.list' | 'secrets.add' | 'secrets.set' | 'secrets.remove' | 'secrets.rotate'> {
  return {
    'secrets.list': () => ({ secrets: core.secrets.list() }),
    'secrets.add': async ({ name, value, description, rotate_via }, caller) => ({ secret: await core.secrets.add({ name, value, description, rotate_via }, actorOf(caller)) }),
    'secrets.set': async (p, caller) => ({ secret: await core.secrets.set(p.name, p.value, { by: actorOf(caller) }) }),
    'secrets.remove': (p) =>
      core.journal.run((tx) => {
        const revoked = core.leases.revokeInTx(tx, { secret_name: p.name }, 'secret removed');
        core.secrets.removeInTx(tx, p.name);
        return { name: p.name, revoked_leases: revoked.length };
      }),
    'secrets.rotate': (p, caller) => core.rotator.rotate(p.name, actorOf(caller)),
  };
}
