/**
 * The protocol, declared once: every method's params and result schema and who may call it. The
 * daemon's dispatch validates against it, the CLI, the exec supervisor and the renderer are typed by
 * it (`import type`, so a cold CLI never pays for building the schemas).
 */
import { z } from 'zod';
import { AdminConfirmation, ApprovalRequest, AuditEntry, AuditVerifyResult, ClientGrant, LeaseGranted, LeaseInfo, SecretMeta, Status } from './records.js';
import { Settings, SettingsPatch } from './settings.js';
import { CLIENT_ID_PATTERN, CLIENT_ID_RULE, ENV_VAR_PATTERN, LEASE_ID_PATTERN, MAX_VALUE_BYTES, SECRET_NAME_PATTERN, SECRET_NAME_RULE } from './names.js';

/**
 * Who may call a method (DESIGN.md §5 "Rights"). The daemon's dispatch enforces it, one rule per right:
 * - `anyone`: any caller that reaches the socket (health, status, reading metadata, the emergency brake);
 * - `holder`: acts only on leases the caller took itself (same verified launcher), unless it proves admin;
 * - `approved`: needs a grant for the client and launcher, else a person is asked (leases) or it is
 *   refused (rotation);
 * - `admin`: needs proof that a person is present.
 */
export type Right = 'anyone' | 'holder' | 'approved' | 'admin';

const secretName = z.string().regex(SECRET_NAME_PATTERN, SECRET_NAME_RULE);
const clientId = z.string().regex(CLIENT_ID_PATTERN, CLIENT_ID_RULE);
const leaseId = z.string().max(100).regex(LEASE_ID_PATTERN, 'lease ids look like L-xxxxxxxxxxxx');
const duration = z.string().min(1).max(64);
const requestId = z.string().max(100).regex(/^R-[a-z0-9]{4,40}$/, 'request ids look like R-xxxxxxxx');
const isoTime = z.string();
const secretValue = z
  .string()
  .min(1, 'the value is empty')
  .refine((v) => utf8Length(v) <= MAX_VALUE_BYTES, `values are at most ${MAX_VALUE_BYTES} bytes`)
  .refine((v) => !v.includes('\0'), 'values cannot contain NUL bytes (they could not be passed as env vars)');

const empty = z.object({}).strict();

const encoder = new TextEncoder();
function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

const revokeParams = z
  .object({
    lease_id: leaseId.optional(),
    all: z.literal(true).optional(),
    client_id: clientId.optional(),
    secret_name: secretName.optional(),
  })
  .strict()
  .refine((p) => [p.lease_id, p.all, p.client_id, p.secret_name].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of lease_id, all, client_id, secret_name',
  });

interface MethodOptions<P extends z.ZodType> {
  /** Params that make an otherwise open method an admin action (killswitch wipe or rotate). */
  adminIf?: (params: z.output<P>) => boolean;
}

function method<P extends z.ZodType, R extends z.ZodType>(rights: Right, params: P, result: R, summary: string, options: MethodOptions<P> = {}) {
  return { rights, params, result, summary, adminIf: options.adminIf };
}

export const METHODS = {
  health: method('anyone', empty, z.object({ ok: z.boolean(), version: z.string(), uptime_s: z.number() }), 'liveness'),
  status: method('anyone', empty, Status, 'daemon state, counts, warnings'),
  'secrets.list': method('anyone', empty, z.object({ secrets: z.array(SecretMeta) }), 'names and metadata, never values'),
  'secrets.add': method(
    'admin',
    z
      .object({
        name: secretName,
        value: secretValue,
        description: z.string().max(1000).optional(),
        rotate_via: z.string().min(1).max(4000).optional(),
      })
      .strict(),
    z.object({ secret: SecretMeta }),
    'add a secret',
  ),
  'secrets.set': method('admin', z.object({ name: secretName, value: secretValue }).strict(), z.object({ secret: SecretMeta }), 'replace a value'),
  'secrets.remove': method(
    'admin',
    z.object({ name: secretName }).strict(),
    z.object({ name: z.string(), revoked_leases: z.number().int() }),
    'delete a secret and revoke its leases',
  ),
  'secrets.rotate': method(
    'approved',
    z.object({ name: secretName, client_id: clientId.optional() }).strict(),
    z.object({
      name: z.string(),
      rotated: z.boolean(),
      revoked_leases: z.number().int(),
      exit_code: z.number().int().nullable(),
      duration_ms: z.number(),
      reason: z.string().nullable(),
    }),
    "run a secret's rotation hook now",
  ),
  'lease.grant': method(
    'approved',
    z.object({ secret_name: secretName, ttl: duration.optional(), client_id: clientId, client_pid: z.number().int().positive().optional() }).strict(),
    LeaseGranted,
    'lease a secret value for a time',
  ),
  'lease.grant_many': method(
    'approved',
    z
      .object({
        secrets: z.array(z.object({ secret_name: secretName, ttl: duration.optional() }).strict()).min(1).max(100),
        client_id: clientId,
        client_pid: z.number().int().positive().optional(),
      })
      .strict()
      .refine((p) => new Set(p.secrets.map((s) => s.secret_name)).size === p.secrets.length, { message: 'each secret at most once' }),
    z.object({ leases: z.array(LeaseGranted) }),
    'lease several secrets as one approval request, all or none (exec)',
  ),
  'env.write': method(
    'approved',
    z
      .object({
        path: z.string().min(1).max(4096),
        /** The directory holding the project's .secrets.json: the file must be inside it. */
        project_dir: z.string().min(1).max(4096),
        force: z.boolean().optional(),
        secrets: z
          .array(z.object({ secret_name: secretName, env_var: z.string().regex(ENV_VAR_PATTERN, 'not a valid environment variable name'), ttl: duration.optional() }).strict())
          .min(1)
          .max(100),
        client_id: clientId,
        client_pid: z.number().int().positive().optional(),
      })
      .strict(),
    z.object({ path: z.string(), leases: z.array(LeaseInfo.pick({ lease_id: true, secret_name: true, expires_at: true })) }),
    'lease secrets and have the daemon write them to a 0600 env file it deletes when they end',
  ),
  'env.cleanup': method(
    'anyone',
    z.object({ dry_run: z.boolean().optional() }).strict(),
    z.object({ paths: z.array(z.string()), deleted: z.boolean() }),
    'delete env files whose leases have all ended',
  ),
  'lease.list': method(
    'holder',
    z.object({ client_id: clientId.optional(), secret_name: secretName.optional() }).strict(),
    z.object({ leases: z.array(LeaseInfo) }),
    "the caller's active leases (an admin's: everyone's), never values",
  ),
  'lease.renew': method(
    'holder',
    z.object({ lease_id: leaseId, ttl: duration.optional() }).strict(),
    z.object({ lease: LeaseInfo, capped: z.boolean() }),
    'extend a lease within the max TTL',
  ),
  'lease.revoke': method('holder', revokeParams, z.object({ revoked: z.array(z.string()) }), 'revoke leases'),
  'audit.query': method(
    'anyone',
    /**
     * Every filter narrows (AND). Which entries: the newest `tail` that match — or, with `after_id` and
     * no `tail`, the oldest ones after it (reading forwards); without `tail` at most 50, or 100,000 when
     * `since`, `from` or `after_id` bounds the range. Their order: oldest first (as `secrets audit`
     * prints them) unless `newest_first`.
     */
    z
      .object({
        tail: z.number().int().positive().max(100_000).optional(),
        /** A duration back from now ("1h"): entries at or after now − since. */
        since: duration.optional(),
        after_id: z.number().int().nonnegative().optional(),
        /** Entries with id < before_id: the next older page of a newest-first timeline. */
        before_id: z.number().int().positive().optional(),
        /** ISO 8601 times, both included: from ≤ at ≤ until. */
        from: z.iso.datetime({ offset: true }).optional(),
        until: z.iso.datetime({ offset: true }).optional(),
        client_id: z.string().max(200).optional(),
        secret_name: z.string().max(200).optional(),
        action: z.string().max(100).optional(),
        /** A substring of the entry's action, client, secret, lease or detail, ASCII case-insensitive; `%` and `_` are literal. */
        text: z.string().min(1).max(200).optional(),
        newest_first: z.boolean().optional(),
      })
      .strict()
      .refine((p) => p.from === undefined || p.until === undefined || Date.parse(p.from) <= Date.parse(p.until), {
        message: 'from is after until',
        path: ['from'],
      }),
    z.object({ entries: z.array(AuditEntry) }),
    'read the audit log',
  ),
  'audit.verify': method('anyone', empty, AuditVerifyResult, 'check the HMAC chain'),
  'events.subscribe': method('anyone', empty, z.object({ subscribed: z.literal(true) }), 'stream events as notifications'),

  'killswitch.engage': method(
    'anyone',
    z
      .object({
        reason: z.string().min(1).max(500).optional(),
        /** false: lock only (the tray's Lock): no new lease, the active ones run to their expiry. */
        revoke: z.boolean().optional(),
        wipe: z.boolean().optional(),
        rotate: z.boolean().optional(),
      })
      .strict(),
    z.object({
      rotations_started: z.number().int(),
      revoked_leases: z.number().int(),
      denied_requests: z.number().int(),
      terminated_process_groups: z.number().int(),
      deleted_env_files: z.number().int(),
      wiped_secrets: z.number().int(),
    }),
    'revoke everything, kill supervised processes, lock (anyone may pull it; wipe or rotate is admin)',
    { adminIf: (p) => p.wipe === true || p.rotate === true },
  ),
  'killswitch.disengage': method('admin', empty, z.object({ engaged: z.boolean() }), 'unlock after the killswitch'),
  'exec.register': method(
    'holder',
    z.object({ pid: z.number().int().positive(), pgid: z.number().int().positive(), lease_ids: z.array(leaseId).max(1000) }).strict(),
    z.object({ registered: z.literal(true) }),
    'register a supervised process group the daemon terminates with its leases',
  ),

  'requests.list': method('anyone', empty, z.object({ requests: z.array(ApprovalRequest) }), 'pending approval requests'),
  'requests.approve': method(
    'admin',
    z
      .object({
        request_id: requestId,
        /** Omitted: allow once (this lease only). A duration, or "forever" until revoked. */
        for: z.string().min(1).max(64).optional(),
        scope: z.enum(['secret', 'all']).optional(),
        max_ttl: duration.optional(),
      })
      .strict(),
    z.object({ request: ApprovalRequest, grant: ClientGrant.nullable() }),
    'approve a pending request',
  ),
  'requests.deny': method('admin', z.object({ request_id: requestId }).strict(), z.object({ request: ApprovalRequest }), 'deny a pending request'),
  'clients.list': method('anyone', empty, z.object({ grants: z.array(ClientGrant) }), 'approved clients and their grants'),
  'clients.allow': method(
    'admin',
    z
      .object({
        client_id: clientId,
        launcher: z.string().min(1).max(4096).optional(),
        secrets: z.array(secretName).min(1).max(1000).optional(),
        for: z.string().min(1).max(64).optional(),
        max_ttl: duration.optional(),
      })
      .strict(),
    z.object({ grant: ClientGrant }),
    'pre-approve a client for unattended use',
  ),
  'clients.forget': method(
    'admin',
    z.object({ client_id: clientId }).strict(),
    z.object({ client_id: z.string(), revoked_grants: z.number().int(), revoked_leases: z.number().int() }),
    'revoke every grant of a client and its leases',
  ),
  'clients.revoke': method(
    'admin',
    z.object({ grant_id: z.string().max(100).regex(/^G-[a-z0-9-]{4,40}$/, 'grant ids look like G-xxxxxxxx') }).strict(),
    z.object({ grant: ClientGrant, revoked_leases: z.number().int() }),
    'revoke one grant and the leases only it covered',
  ),

  'confirmations.list': method('anyone', empty, z.object({ confirmations: z.array(AdminConfirmation) }), 'terminal admin commands waiting for the person in the app'),
  'confirmations.decide': method(
    'admin',
    z.object({ confirmation_id: z.string().max(100).regex(/^C-[a-z0-9]{4,40}$/, 'confirmation ids look like C-xxxxxxxx'), allow: z.boolean() }).strict(),
    z.object({ confirmation: AdminConfirmation, allowed: z.boolean() }),
    'the person allows or refuses a terminal admin command (the app window)',
  ),

  'config.get': method(
    'admin',
    empty,
    z.object({ config: Settings, path: z.string(), restart_needed: z.array(z.string()) }),
    'the editable settings of config.json with defaults filled, and those saved but waiting for a restart',
  ),
  'config.set': method(
    'admin',
    SettingsPatch,
    z.object({ config: Settings, path: z.string(), changed: z.array(z.string()), restart_needed: z.array(z.string()) }),
    'change settings: merged into config.json, validated whole, written atomically, applied at once where possible',
  ),

  'scan.import': method(
    'admin',
    z
      .object({
        /** The scanned project (its real path), for the backups' names and the secrets' descriptions. */
        project_dir: z.string().min(1).max(4096),
        /** One per credential, in order; a taken name holding another value gets a `_2`, `_3`… suffix. */
        secrets: z.array(z.object({ name: secretName, env_var: z.string().regex(ENV_VAR_PATTERN, 'not a valid environment variable name'), file: z.string().min(1).max(4096) }).strict()).max(1000),
        /** The env files the credentials come from (relative to project_dir), backed up encrypted. */
        backups: z.array(z.object({ file: z.string().min(1).max(4096) }).strict()).max(100),
        /**
         * Every secret value and file content, one for one with `secrets` and `backups`: in the one
         * top-level field the app's confirmation window never shows, so the person sees which names
         * and files, never what they hold.
         */
        value: z
          .object({
            secrets: z.array(secretValue).max(1000),
            // The whole request must fit one 1 MiB frame.
            backups: z.array(z.string().max(256 * 1024, 'env files are backed up up to 256 KiB')).max(100),
          })
          .strict(),
      })
      .strict()
      .refine((p) => p.value.secrets.length === p.secrets.length && p.value.backups.length === p.backups.length, { message: 'value.secrets and value.backups must match secrets and backups one for one' }),
    z.object({
      secrets: z.array(z.object({ requested: z.string(), name: z.string(), env_var: z.string(), file: z.string(), outcome: z.enum(['added', 'existing']) })),
      backups: z.array(z.object({ file: z.string(), path: z.string() })),
    }),
    'move credentials `secrets scan` found into the store: each env file backed up age-encrypted to the store in the data dir first, then one secret per credential',
  ),

  'auth.challenge': method(
    'anyone',
    empty,
    z.object({ nonce: z.string(), salt: z.string(), log_n: z.number().int(), expires_at: isoTime }),
    'a one-time nonce for an admin proof (the passphrase never crosses the socket)',
  ),
} as const;

/**
 * The methods that exist on the agent socket (DESIGN.md §2 "Two sockets"): leasing through approval,
 * the caller's own leases and supervised commands, reading names and state, and pulling the
 * killswitch. Nothing that needs the person, shows other clients, or writes files as the person.
 */
export const AGENT_SOCKET_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'health',
  'status',
  'secrets.list',
  'lease.grant',
  'lease.grant_many',
  'lease.list',
  'lease.renew',
  'lease.revoke',
  'exec.register',
  'events.subscribe',
  'killswitch.engage',
]);

export type Methods = typeof METHODS;
export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ValidParams<M extends MethodName> = z.output<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;

export * from './records.js';
export type { AdminProof } from './admin-proof.js';

export { ADMIN_CONFIRMATION_PENDING_NOTIFICATION, APPROVAL_PENDING_NOTIFICATION, EVENT_NOTIFICATION } from './notifications.js';
