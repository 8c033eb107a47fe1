/** A person deciding who may lease (pending requests, standing grants) and what a terminal may do as admin. */
import type { Caller } from '../../callers/caller.js';
import type { Core } from '../../core.js';
import { grantExpiry, grantMaxTtl } from '../../approvals/grants.js';
import type { HandlerGroup } from './types.js';

type Methods = 'requests.list' | 'requests.approve' | 'requests.deny' | 'clients.list' | 'clients.allow' | 'clients.forget' | 'clients.revoke' | 'confirmations.list' | 'confirmations.decide';

export function approvalHandlers(core: Core): HandlerGroup<Methods> {
  return {
    'requests.list': () => ({ requests: core.approvals.list() }),
    'requests.approve': (p, caller) => core.approvals.approve(p.request_id, p, decidedBy(core, caller)),
    'requests.deny': (p, caller) => ({ request: core.approvals.deny(p.request_id, decidedBy(core, caller)) }),
    'clients.list': () => ({ grants: core.grants.list() }),
    'confirmations.list': () => ({ confirmations: core.adminConfirmations.list() }),
    'confirmations.decide': (p) => ({ confirmation: core.adminConfirmations.decide(p.confirmation_id, p.allow), allowed: p.allow }),
    'clients.allow': (p) => ({
      grant: core.grants.add({
        client_id: p.client_id,
        launcher: p.launcher ?? null,
        secrets: p.secrets ?? null,
        max_ttl_ms: grantMaxTtl(p.max_ttl),
        expires_at: p.for === undefined ? null : grantExpiry(p.for, core.clock.now()),
        source: 'pre-approval',
      }),
    }),
    // A client that is no longer trusted keeps nothing it was given under that trust.
    'clients.forget': (p) =>
      core.journal.run((tx) => {
        const revoked_grants = core.grants.forgetInTx(tx, p.client_id);
        const revoked = core.leases.revokeInTx(tx, { client_id: p.client_id }, 'client forgotten');
        return { client_id: p.client_id, revoked_grants, revoked_leases: revoked.length };
      }),
    'clients.revoke': (p) =>
      core.journal.run((tx) => {
        const grant = core.grants.revokeInTx(tx, p.grant_id);
        // The leases this grant covered that no other grant still covers.
        const uncovered = core.leases
          .list({ client_id: grant.client_id }, grant.launcher)
          .filter((lease) => grant.secrets === null || grant.secrets.includes(lease.secret_name))
          .filter((lease) => core.grants.matching({ client_id: lease.client_id, launcher: lease.launcher ?? 'unknown', secret_name: lease.secret_name }).length === 0);
        const revoked = uncovered.flatMap((lease) => core.leases.revokeInTx(tx, { lease_id: lease.lease_id }, `grant ${grant.grant_id} revoked`));
        return { grant: core.grants.get(grant.grant_id), revoked_leases: revoked.length };
      }),
  };
}

/** How the person deciding proved presence, for the audit log. */
export function decidedBy(core: Core, caller: Caller): string {
  if (!core.adminGate.required) return 'unproven (insecure keyfile)';
  return caller.transport === 'socket' ? 'admin proof' : caller.transport;
}
