/** The killswitch (anyone engages, an admin disengages). */
import type { Core } from '../../core.js';
import { decidedBy } from './approvals.js';
import type { HandlerGroup } from './types.js';

export function killswitchHandlers(core: Core): HandlerGroup<'killswitch.engage' | 'killswitch.disengage'> {
  return {
    'killswitch.engage': (p, caller) => {
      const who = caller.identity?.() ?? null;
      return core.killswitch.engage(p, { pid: who?.pid ?? null });
    },
    'killswitch.disengage': (_p, caller) => {
      const { engaged } = core.killswitch.disengage(decidedBy(core, caller));
      core.heartbeat?.start();
      return { engaged };
    },
  };
}
