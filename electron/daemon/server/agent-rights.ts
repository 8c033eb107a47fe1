/**
 * The agent socket's rules, checked before anything else runs for its callers: admin methods do not
 * exist there, admin proof is not accepted there (an agent offering one is audited, a burst at a time:
 * it is guessing or replaying the person's passphrase), and the owner-only forms of an open method are refused.
 */
import { DaemonError } from '../../../shared/errors.js';
import { AGENT_SOCKET_METHODS, type MethodName } from '../../../shared/protocol.js';
import type { Caller } from '../callers/caller.js';
import type { Core } from '../core.js';

const OWNER_HINT = "the person runs it as themselves: their own secrets CLI talks to their own socket in the store's data dir";

/** @throws DaemonError DENIED (admin proof offered) or METHOD_NOT_FOUND (not an agent's method). */
export function checkAgentRequest(core: Core, caller: Caller, method: MethodName): void {
  if (caller.proof !== undefined) {
    const who = caller.identity?.() ?? null;
    core.agentProofAudit.refused({ method, pid: who?.pid ?? null, launcher: who?.launcher_key ?? null });
    throw new DaemonError('DENIED', 'admin proof is not accepted on the agent socket: admin actions belong to the person who owns the store', OWNER_HINT);
  }
  if (!AGENT_SOCKET_METHODS.has(method)) {
    throw new DaemonError('METHOD_NOT_FOUND', `${method} does not exist on the agent socket: it needs the store's owner`, OWNER_HINT);
  }
}

/** An open method whose params make it an admin action (the killswitch's wipe or rotate). */
export function ownerOnlyParams(method: MethodName): DaemonError {
  return new DaemonError('DENIED', `${method} with these options needs the store's owner; on the agent socket it takes only the plain form`, 'engage the killswitch without --wipe or --rotate');
}
