/**
 * What the lease manager keeps and hands out: a lease's row, its public form, a grant waiting for the
 * group commit, and the small pieces built from them (the audit detail of a grant, not-found).
 */
import { DaemonError } from '../../../shared/errors.js';
import { formatDuration } from '../../../shared/durations.js';
import type { LeaseInfoT } from '../../../shared/protocol.js';
import type { VerifiedIdentity } from '../callers/peer-identity.js';

export interface LeaseRow {
  lease_id: string;
  secret_name: string;
  client_id: string;
  client_pid: number | null;
  /** The verified launcher key of the caller that took it (null: from before launchers were kept). */
  launcher: string | null;
  created_at: number;
  expires_at: number;
  status: 'active' | 'revoked' | 'expired';
}

export interface PendingGrant {
  lease: LeaseRow;
  ttlMs: number;
  request: GrantRequest;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export type RevokeSelector = { lease_id: string } | { all: true } | { client_id: string } | { secret_name: string };

export interface LeaseLimits {
  defaultTtlMs: number;
  maxTtlMs: number;
}

export interface GrantRequest {
  secret_name: string;
  client_id: string;
  /** Self-reported by the client; kept apart from what was verified. */
  client_pid?: number;
  ttl?: string;
  /** What the daemon verified about the caller (null where it cannot). */
  verified?: Pick<VerifiedIdentity, 'pid' | 'launcher_key'> | null;
}

export function toInfo(row: LeaseRow): LeaseInfoT {
  return {
    lease_id: row.lease_id,
    secret_name: row.secret_name,
    client_id: row.client_id,
    launcher: row.launcher,
    created_at: new Date(row.created_at).toISOString(),
    expires_at: new Date(row.expires_at).toISOString(),
    status: row.status,
  };
}

/** The audit detail of a grant: verified launcher, and a self-reported pid only when it disagrees. */
export function grantDetail({ ttlMs, request }: PendingGrant): Record<string, unknown> {
  const detail: Record<string, unknown> = { ttl: formatDuration(ttlMs) };
  if (request.verified) detail.launcher = request.verified.launcher_key;
  if (request.client_pid !== undefined && request.client_pid !== request.verified?.pid) detail.reported_pid = request.client_pid;
  return detail;
}

export function leaseNotFound(leaseId: string): DaemonError {
  return new DaemonError('LEASE_NOT_FOUND', `lease ${leaseId} not found`, 'list active leases with: secrets leases');
}
