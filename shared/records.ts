/**
 * The records the protocol carries (secrets' metadata, leases, approval requests, grants, audit
 * entries, status) and the daemon's events: zod schemas, with their types inferred once
 * (shared/protocol.ts declares the methods that carry them).
 */
import { z } from 'zod';

const isoTime = z.string();
export const SecretMeta = z.object({
  name: z.string(),
  description: z.string().nullable(),
  rotate_via: z.string().nullable(),
  created_at: isoTime,
  updated_at: isoTime,
  /** When its rotation hook last gave it a new value; null: never rotated. */
  last_rotated_at: isoTime.nullable(),
  active_leases: z.number().int(),
});

export const LeaseStatus = z.enum(['active', 'revoked', 'expired']);

export const LeaseInfo = z.object({
  lease_id: z.string(),
  secret_name: z.string(),
  client_id: z.string(),
  /** The verified launcher that took it: only it (or an admin) may renew or revoke it. */
  launcher: z.string().nullable(),
  created_at: isoTime,
  expires_at: isoTime,
  status: LeaseStatus,
});

export const LeaseGranted = z.object({
  lease_id: z.string(),
  secret_name: z.string(),
  client_id: z.string(),
  value: z.string(),
  expires_at: isoTime,
});

/** What the daemon verified about a caller; approvals are bound to `launcher`. */
export const VerifiedCaller = z.object({
  uid: z.number().int(),
  /** The name of `uid` (shown first when it is not the person's own), null when it has none. */
  user: z.string().nullable(),
  /** What the daemon could not verify, and why (a caller of another user); null: nothing. */
  limited: z.string().nullable(),
  pid: z.number().int(),
  exe: z.string().nullable(),
  cwd: z.string().nullable(),
  argv: z.array(z.string()),
  parents: z.array(z.object({ pid: z.number().int(), exe: z.string().nullable(), argv: z.array(z.string()) })),
  launcher: z.string(),
});

export const ApprovalRequest = z.object({
  request_id: z.string(),
  client_id: z.string(),
  secret_names: z.array(z.string()),
  ttl: z.string(),
  /** Why a person is asked: a new client, or a known client id from another launcher. */
  reason: z.string(),
  /** Verified by the daemon (kernel and /proc), unlike client_id and reported_pid. */
  verified: VerifiedCaller.nullable(),
  reported_pid: z.number().int().nullable(),
  /** For `secrets env`: the file the daemon would write the values to. */
  env_file: z.string().nullable(),
  created_at: isoTime,
  expires_at: isoTime,
});

/** An admin command from a terminal, waiting for the person to confirm it in the tray app's window. */
export const AdminConfirmation = z.object({
  confirmation_id: z.string(),
  method: z.string(),
  /** What will run, exactly: the method and its params, with secret values left out. */
  command: z.string(),
  /** Verified by the daemon (kernel and /proc): who typed it, as far as it can tell. */
  caller: VerifiedCaller.nullable(),
  created_at: isoTime,
  expires_at: isoTime,
});

export const ClientGrant = z.object({
  grant_id: z.string(),
  client_id: z.string(),
  /** null: any launcher. */
  launcher: z.string().nullable(),
  /** null: all secrets. */
  secrets: z.array(z.string()).nullable(),
  max_ttl: z.string().nullable(),
  created_at: isoTime,
  /** null: until revoked. */
  expires_at: isoTime.nullable(),
  source: z.enum(['approval', 'pre-approval', 'config']),
  active: z.boolean(),
});

export const AuditEntry = z.object({
  id: z.number().int(),
  at: isoTime,
  action: z.string(),
  outcome: z.enum(['ok', 'denied', 'error']),
  client_id: z.string().nullable(),
  pid: z.number().int().nullable(),
  secret_name: z.string().nullable(),
  lease_id: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  first_bad: z
    .object({ id: z.number().int(), reason: z.string() })
    .nullable(),
});

export const Status = z.object({
  version: z.string(),
  pid: z.number().int(),
  started_at: isoTime,
  uptime_s: z.number(),
  data_dir: z.string(),
  socket: z.string(),
  protection: z.enum(['passphrase', 'insecure-keyfile']),
  locked: z.boolean(),
  killswitch: z.object({ engaged: z.boolean(), changed_at: isoTime.nullable(), reason: z.string().nullable() }),
  heartbeat: z.object({
    enabled: z.boolean(),
    url: z.string().optional(),
    last_ok: isoTime.nullable().optional(),
    last_failure: isoTime.nullable().optional(),
    consecutive_failures: z.number().int().optional(),
    next_check: isoTime.nullable().optional(),
    triggered: z.boolean().optional(),
  }),
  approvals: z.object({ policy: z.enum(['prompt', 'preapproved']), pending: z.number().int(), timeout: z.string() }),
  /** Wrong admin proofs: after a few, every proof is refused until `locked_until`. */
  admin: z.object({ failed_proofs: z.number().int(), locked_until: isoTime.nullable() }),
  counts: z.object({ secrets: z.number().int(), active_leases: z.number().int(), audit_entries: z.number().int() }),
  limits: z.object({ default_lease_ttl: z.string(), max_lease_ttl: z.string() }),
  /** The agent socket for agents of other users; null when none is configured. */
  agent_socket: z.object({ path: z.string(), serving: z.boolean(), problem: z.string().nullable() }).nullable(),
  warnings: z.array(z.string()),
});

export type SecretMetaT = z.infer<typeof SecretMeta>;
export type LeaseInfoT = z.infer<typeof LeaseInfo>;
export type LeaseGrantedT = z.infer<typeof LeaseGranted>;
export type AuditEntryT = z.infer<typeof AuditEntry>;
export type StatusT = z.infer<typeof Status>;
export type ApprovalRequestT = z.infer<typeof ApprovalRequest>;
export type ClientGrantT = z.infer<typeof ClientGrant>;
export type AdminConfirmationT = z.infer<typeof AdminConfirmation>;
export type VerifiedCallerT = z.infer<typeof VerifiedCaller>;

export const EVENT_TYPES = [
  'lease.granted',
  'lease.renewed',
  'lease.revoked',
  'lease.expired',
  'secret.changed',
  'audit.appended',
  'daemon.stopping',
  'approval.requested',
  'approval.decided',
  'client.changed',
  'rotate.completed',
  'rotate.failed',
  'killswitch.engaged',
  'killswitch.disengaged',
  'confirmation.requested',
  'confirmation.decided',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface DaemonEvent {
  type: EventType;
  at: string;
  data: Record<string, unknown>;
}
