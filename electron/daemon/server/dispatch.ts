/**
 * The one entry point for every transport: look the method up in the protocol table, validate its
 * params, authorise the caller (admin proof, then the client-approval hook) and run the handler.
 */
import { DaemonError } from '../../../shared/errors.js';
import { METHODS, type MethodName, type ValidParams } from '../../../shared/protocol.js';
import type { Caller } from '../callers/caller.js';
import type { Core } from '../core.js';
import { checkAdminProof } from '../auth/admin-gate.js';
import { secretNotFound } from '../secrets/secrets-store.js';
import type { Handler, Handlers } from './handlers.js';

/** Decides whether a client may make this request (after params are valid and admin proof checked). */
export type ClientAuthorizer = (caller: Caller, method: MethodName, params: unknown) => Promise<void>;

/**
 * A lease needs a grant, or a person's decision. The TTL and the secret are checked first: nobody
 * should be asked about a request that would fail anyway.
 */
export function leaseApprovals(core: Core): ClientAuthorizer {
  return async (caller, method, params) => {
    if (method !== 'lease.grant' && method !== 'lease.grant_many' && method !== 'env.write') return;
    const p = params as ValidParams<'lease.grant_many'> | ValidParams<'lease.grant'> | ValidParams<'env.write'>;
    const wanted = 'secrets' in p ? p.secrets : [{ secret_name: p.secret_name, ttl: p.ttl }];
    core.killswitch.assertDisengaged();
    const ttlMs = Math.max(...wanted.map((w) => core.leases.ttlMs(w.ttl)));
    for (const { secret_name } of wanted) if (!core.secrets.exists(secret_name)) throw secretNotFound(secret_name);
    await core.approvals.authorize(caller, { client_id: p.client_id, secret_names: wanted.map((w) => w.secret_name), ttlMs, reported_pid: p.client_pid ?? null, env_file: 'path' in p ? p.path : null });
  };
}

export type Dispatch = (caller: Caller, method: string, params: unknown) => Promise<unknown>;

function isMethod(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}

function describeIssue(issue: { path: PropertyKey[]; message: string; code: string; keys?: string[] }): string {
  const field = issue.path.map(String).join('.');
  const detail = issue.code === 'unrecognized_keys' && issue.keys ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
  return field ? `${field}: ${detail}` : detail;
}

export function createDispatch(core: Core, handlers: Handlers, authorizeClient: ClientAuthorizer = leaseApprovals(core)): Dispatch {
  return async (caller, method, rawParams) => {
    if (!isMethod(method)) {
      throw new DaemonError('METHOD_NOT_FOUND', `unknown method ${JSON.stringify(String(method).slice(0, 60))}`, 'update the CLI to match the daemon, or see: secrets --help');
    }
    const definition = METHODS[method];
    const parsed = definition.params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      throw new DaemonError('INVALID_PARAMS', `${method}: ${describeIssue(parsed.error.issues[0] as never)}`, 'see: secrets --help');
    }
    if (definition.level === 'admin') {
      try {
        await checkAdminProof(core.options.passphraseVerifier, caller.proof);
      } catch (error) {
        const who = caller.identity?.() ?? null;
        core.journal.run((tx) =>
          tx.audit({ action: 'admin.denied', outcome: 'denied', pid: who?.pid ?? null, detail: { method, reason: (error as DaemonError).code, launcher: who?.launcher_key ?? null } }),
        );
        throw error;
      }
    }
    await authorizeClient(caller, method, parsed.data);
    const handler = handlers[method] as Handler<MethodName>;
    return handler(parsed.data as never, caller);
  };
}
