/**
 * The one entry point for every transport: look the method up in the protocol table, validate its
 * params, enforce its rights (server/rights.ts) and run the handler. A disk that fails under a
 * request (a damaged page read in the middle of serving) is that request's clear error, not INTERNAL.
 */
import { DaemonError } from '../../../shared/errors.js';
import { METHODS, type MethodName } from '../../../shared/protocol.js';
import type { Caller } from '../callers/caller.js';
import type { Core } from '../core.js';
import type { Handler, Handlers } from './handlers.js';
import { type ClientAuthorizer, actorOf, approvedClients, proveAdmin } from './rights.js';
import { checkAgentRequest, ownerOnlyParams } from './agent-rights.js';
import { storageFailure } from '../store/storage-failure.js';

export type Dispatch = (caller: Caller, method: string, params: unknown) => Promise<unknown>;

function isMethod(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}

/**
 * Deeper than any method's params (config.set's are three levels): refused before anything walks
 * them recursively — the admin proof's and the confirmation window's canonical form would overflow
 * the stack on a few thousand levels and fail as INTERNAL.
 */
const MAX_PARAMS_DEPTH = 32;

function nestedDeeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return levels === 0 || Object.values(value).some((v) => nestedDeeperThan(v, levels - 1));
}

function describeIssue(issue: { path: PropertyKey[]; message: string; code: string; keys?: string[] }): string {
  const field = issue.path.map(String).join('.');
  const detail = issue.code === 'unrecognized_keys' && issue.keys ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
  return field ? `${field}: ${detail}` : detail;
}

export function createDispatch(core: Core, handlers: Handlers, authorizeClient: ClientAuthorizer = approvedClients(core)): Dispatch {
  const run = runner(core, handlers, authorizeClient);
  return async (caller, method, rawParams) => {
    try {
      return await run(caller, method, rawParams);
    } catch (error) {
      throw storageFailure(error, core.options.dataDir, 'the request was not served') ?? error;
    }
  };
}

function runner(core: Core, handlers: Handlers, authorizeClient: ClientAuthorizer): Dispatch {
  return async (caller, method, rawParams) => {
    // Before anything is decided or shown: a jump of the wall clock is taken in first (steady-clock.ts).
    core.clock.observeOrLog();
    if (!isMethod(method)) {
      throw new DaemonError('METHOD_NOT_FOUND', `unknown method ${JSON.stringify(String(method).slice(0, 60))}`, 'update the CLI to match the daemon, or see: secrets --help');
    }
    const onAgentSocket = caller.transport === 'agent-socket';
    if (onAgentSocket) checkAgentRequest(core, caller, method);
    if (nestedDeeperThan(rawParams, MAX_PARAMS_DEPTH)) {
      throw new DaemonError('INVALID_PARAMS', `${method}: params nest more than ${MAX_PARAMS_DEPTH} levels deep`, 'see: secrets --help');
    }
    const definition = METHODS[method];
    const parsed = definition.params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      throw new DaemonError('INVALID_PARAMS', `${method}: ${describeIssue(parsed.error.issues[0] as never)}`, 'see: secrets --help');
    }
    const adminRequired = definition.rights === 'admin' || (definition.adminIf?.(parsed.data as never) ?? false);
    if (onAgentSocket && adminRequired) throw ownerOnlyParams(method);
    // The proof covers the params as they came, so nothing between the CLI and here can change them.
    // An agent is never admin, not even on a store without a passphrase.
    const admin = onAgentSocket ? false : await proveAdmin(core, caller, method, rawParams, adminRequired);
    const authorised: Caller = { ...caller, admin };
    await authorizeClient(authorised, method, parsed.data);
    const handler = handlers[method] as Handler<MethodName>;
    return core.journal.as(actorOf(authorised), () => handler(parsed.data as never, authorised));
  };
}
