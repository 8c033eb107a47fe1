/** A person deciding who may lease: pending requests and standing grants. */
import type { Caller } from '../../callers/caller.js';
import type { Core } from '../../core.js';
import { grantExpiry, grantMaxTtl } from '../../approvals/grants.js';
import type { HandlerGroup } from './types.js';

export function approvalHandlers(core: Core): HandlerGroup<'requests.list' | 'requests.approve' | 'requests.deny' | 'clients.list' | 'clients.allow' | 'clients.forget'> {
  return {
    'requests.list': () => ({ requests: core.approvals.list() }),
    'requests.approve': (p, caller) => core.approvals.approve(p.request_id, p, decidedBy(core, caller)),
    'requests.deny': (p, caller) => ({ request: core.approvals.deny(p.request_id, decidedBy(core, caller)) }),
    'clients.list': () => ({ grants: core.grants.list() }),
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
    'clients.forget': (p) => ({ client_id: p.client_id, revoked_grants: core.grants.forget(p.client_id) }),
  };
}

/** How the person deciding proved presence, for the audit log. */
export function decidedBy(core: Core, caller: Caller): string {
  if (core.options.passphraseVerifier === null) return 'unproven (insecure keyfile)';
  return caller.proof?.passphrase !== undefined ? 'passphrase' : caller.transport;
}
