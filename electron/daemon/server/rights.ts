/**
 * The rights of the protocol table (shared/protocol.ts `Right`), enforced: admin proof, the holder of a
 * lease, and an approved client. The dispatch runs these before any handler, so a handler only ever
 * sees a caller that may do what it asks, and what a holder may touch is decided in one place.
 */
import { DaemonError } from '../../../shared/errors.js';
import type { MethodName, ValidParams } from '../../../shared/protocol.js';
import type { Caller } from '../callers/caller.js';
import type { Actor } from '../audit/journal.js';
import type { Core } from '../core.js';
import { secretNotFound } from '../secrets/secrets-store.js';
import { checkEnvTarget } from '../processes/env-target.js';

/** Decides whether a client may make this request (after params are valid and admin proof checked). */
export type ClientAuthorizer = (caller: Caller, method: MethodName, params: unknown) => Promise<void>;

/** The caller as the audit log names it. */
export function actorOf(caller: Caller): Actor {
  const who = caller.identity?.() ?? null;
  return { pid: who?.pid ?? null, launcher: who?.launcher_key ?? 'unknown', transport: caller.transport, admin: caller.admin === true };
}

/** The verified launcher a caller acts as: what approvals and lease ownership are bound to. */
export function launcherOf(caller: Caller): string {
  return caller.identity?.()?.launcher_key ?? 'unknown';
}

/**
 * The launcher whose leases a holder method may touch, or null for all of them (an admin).
 * A lease belongs to the verified launcher that took it: the client id a caller names is its own
 * claim, so it narrows what is touched but never widens it.
 */
export function holderScope(caller: Caller): string | null {
  return caller.admin === true ? null : launcherOf(caller);
}

/**
 * True when this request carries a proof that checks out, or when the store has no passphrase. A
 * missing proof is fine unless `required`; a wrong one is refused (and audited) even where it was
 * optional, so nobody guesses through an open method.
 * @throws DaemonError ADMIN_REQUIRED, PASSPHRASE_INCORRECT, ADMIN_LOCKED
 */
export async function proveAdmin(core: Core, caller: Caller, method: MethodName, rawParams: unknown, required: boolean): Promise<boolean> {
  if (!core.adminGate.required) return true;
  // The tray app's own window is the person: its clicks are the proof (DESIGN.md §4). Only the app's
  // main process creates IPC callers, and it accepts calls only from its own page (window-policy.ts).
  if (caller.transport === 'ipc') return true;
  if (caller.proof === undefined && !required) return false;
  // With the tray app running, the person confirms a terminal's admin command in its window.
  if (caller.proof === undefined && core.adminConfirmations.enabled) {
    await core.adminConfirmations.confirm(caller, method, rawParams ?? {});
    return true;
  }
  try {
    await core.adminGate.check(caller.proof, method, rawParams ?? {});
    return true;
  } catch (error) {
    if ((error as DaemonError).code === 'ADMIN_LOCKED' && !core.adminGate.firstRefusalOfLockout()) throw error;
    const who = caller.identity?.() ?? null;
    core.journal.run((tx) =>
      tx.audit({ action: 'admin.denied', outcome: 'denied', pid: who?.pid ?? null, detail: { method, reason: (error as DaemonError).code, launcher: who?.launcher_key ?? null } }),
    );
    throw error;
  }
}

type LeaseAsking = ValidParams<'lease.grant_many'> | ValidParams<'lease.grant'> | ValidParams<'env.write'>;

/**
 * The `approved` right. A lease needs a grant, or a person's decision; the TTL and the secret are
 * checked first, so nobody is asked about a request that would fail anyway. Rotation needs a grant
 * for that secret (or admin proof) and never asks: it changes the value for everyone.
 */
export function approvedClients(core: Core): ClientAuthorizer {
  return async (caller, method, params) => {
    if (method === 'secrets.rotate') return authorizeRotation(core, caller, params as ValidParams<'secrets.rotate'>);
    if (method !== 'lease.grant' && method !== 'lease.grant_many' && method !== 'env.write') return;
    const p = params as LeaseAsking;
    const wanted = 'secrets' in p ? p.secrets : [{ secret_name: p.secret_name, ttl: p.ttl }];
    core.killswitch.assertDisengaged();
    const ttlMs = Math.max(...wanted.map((w) => core.leases.ttlMs(w.ttl)));
    for (const { secret_name } of wanted) if (!core.secrets.exists(secret_name)) throw secretNotFound(secret_name);
    if (method === 'env.write') checkEnvTarget((p as ValidParams<'env.write'>).path, (p as ValidParams<'env.write'>).project_dir, core.options.dataDir);
    await core.approvals.authorize(caller, {
      client_id: p.client_id,
      secret_names: wanted.map((w) => w.secret_name),
      ttlMs,
      reported_pid: p.client_pid ?? null,
      env_file: 'path' in p ? p.path : null,
    });
  };
}

function authorizeRotation(core: Core, caller: Caller, p: ValidParams<'secrets.rotate'>): void {
  if (caller.admin === true) return;
  core.secrets.require(p.name);
  const launcher = launcherOf(caller);
  if (p.client_id !== undefined && core.grants.matching({ client_id: p.client_id, launcher, secret_name: p.name }).length > 0) return;
  throw new DaemonError(
    'DENIED',
    `rotating ${p.name} needs a grant for it (this client${p.client_id === undefined ? '' : ` "${p.client_id}"`} from ${launcher} has none)`,
    'the store owner rotates it (secrets rotate NAME, with the passphrase), or an approved client passes its --client-id',
  );
}
