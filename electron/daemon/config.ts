/**
 * config.json: user-editable, validated once at start. Keys keep the original agent-secrets names;
 * missing keys take their defaults, unknown keys are an error that names the field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DaemonError } from '../../shared/errors.js';
import { tryParseDuration } from '../../shared/durations.js';
import { CLIENT_ID_PATTERN, CLIENT_ID_RULE, SECRET_NAME_PATTERN, SECRET_NAME_RULE } from '../../shared/names.js';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((text) => (tryParseDuration(text) ?? 0) > 0, { message: 'must be a positive Go-style duration such as 30s, 5m or 1h' });

const ConfigSchema = z
  .object({
    default_lease_ttl: duration('1h'),
    max_lease_ttl: duration('24h'),
    approval_timeout: duration('120s'),
    rotation_timeout: duration('30s'),
    /**
     * The tray app's global killswitch shortcut (an Electron accelerator such as "Control+Alt+Shift+K");
     * omitted: Ctrl+Alt+Shift+K (Cmd+Option+Shift+K on macOS); "": none.
     */
    killswitch_shortcut: z
      .string()
      .regex(/^(((CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|AltGr|Shift|Super|Meta)\+)+([A-Z0-9]|F([1-9]|1[0-9]|2[0-4]))|)$/, 'must be modifiers and a key joined by "+", e.g. "Control+Alt+Shift+K", or "" for none')
      .optional(),
    /** How long supervised processes get between SIGTERM and SIGKILL when their access is cut. */
    killswitch_grace: duration('5s'),
    heartbeat: z
      .object({
        enabled: z.boolean().default(false),
        url: z.string().default(''),
        interval: duration('60s'),
        timeout: duration('10s'),
        failures_before_trigger: z.number().int().positive().default(3),
        fail_action: z
          .object({ revoke_all: z.boolean().default(true), rotate_all: z.boolean().default(false), wipe_store: z.boolean().default(false) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /**
     * Who may lease without asking a person. `prompt` (default): every new client is asked about.
     * `preapproved`: the clients listed are allowed without a prompt (machines with nobody present);
     * everyone else is still asked.
     */
    approvals: z
      .object({
        policy: z.enum(['prompt', 'preapproved']).default('prompt'),
        preapproved: z
          .array(
            z
              .object({
                client_id: z.string().regex(CLIENT_ID_PATTERN, CLIENT_ID_RULE),
                launcher: z.string().min(1).optional(),
                secrets: z.array(z.string().regex(SECRET_NAME_PATTERN, SECRET_NAME_RULE)).min(1).optional(),
              })
              .strict(),
          )
          .default([]),
        deny_cooldown: duration('60s'),
        /**
         * Requests waiting for a person at once: in total, per verified launcher (the program behind
         * the caller, which it cannot choose per request), and per self-reported client id. Over a cap a
         * lease is refused at once; a flood of invented client ids fills only its launcher's share.
         */
        max_pending: z.number().int().min(1).max(1000).default(32),
        max_pending_per_launcher: z.number().int().min(1).max(100).default(5),
        max_pending_per_client: z.number().int().min(1).max(100).default(5),
      })
      .strict()
      .prefault({}),
    /**
     * Socket server limits; the defaults suit a desktop, tests shorten the timeouts. Connections are
     * counted per verified process; `reserved_connections` more are held back beyond
     * `max_connections` for health, status, the killswitch and admin requests.
     */
    server: z
      .object({
        max_connections: z.number().int().min(1).max(100_000).default(1024),
        max_connections_per_process: z.number().int().min(1).max(100_000).default(64),
        max_requests_in_flight: z.number().int().min(1).max(1024).default(32),
        reserved_connections: z.number().int().min(0).max(1024).default(32),
        reserved_connections_per_process: z.number().int().min(1).max(1024).default(2),
        max_frame_bytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
        idle_timeout: duration('60s'),
        reserved_idle_timeout: duration('5s'),
        frame_timeout: duration('10s'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.heartbeat.enabled && !/^https?:\/\/[^/\s]+/.test(config.heartbeat.url)) {
      ctx.addIssue({ code: 'custom', path: ['heartbeat', 'url'], message: 'an enabled heartbeat needs an http:// or https:// URL' });
    }
    if (config.approvals.policy === 'prompt' && config.approvals.preapproved.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['approvals', 'preapproved'], message: 'is only used with "policy": "preapproved"' });
    }
    if (tryParseDuration(config.default_lease_ttl)! > tryParseDuration(config.max_lease_ttl)!) {
      ctx.addIssue({ code: 'custom', path: ['default_lease_ttl'], message: 'must not exceed max_lease_ttl' });
    }
  });

export type ConfigFile = z.output<typeof ConfigSchema>;

/** The parsed config with durations in milliseconds, as the daemon uses it. */
export interface Config {
  file: ConfigFile;
  defaultLeaseTtlMs: number;
  maxLeaseTtlMs: number;
  approvalTimeoutMs: number;
  rotationTimeoutMs: number;
  denyCooldownMs: number;
  killswitchGraceMs: number;
  server: ServerLimits;
}

/** The socket server's limits (config.json `server`), durations in milliseconds. */
export interface ServerLimits {
  maxConnections: number;
  maxConnectionsPerProcess: number;
  maxRequestsInFlight: number;
  reservedConnections: number;
  reservedConnectionsPerProcess: number;
  maxFrameBytes: number;
  idleTimeoutMs: number;
  reservedIdleTimeoutMs: number;
  frameTimeoutMs: number;
}

const ms = (text: string) => tryParseDuration(text)!;

/** @throws DaemonError INVALID_CONFIG naming the first bad field. */
export function parseConfig(raw: unknown, source = 'config.json'): Config {
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(top level)';
    const detail = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : issue.message;
    throw new DaemonError('INVALID_CONFIG', `${source}: ${field}: ${detail}`, `fix ${source} or delete the field to use its default`);
  }
  const file = parsed.data;
  return {
    file,
    defaultLeaseTtlMs: ms(file.default_lease_ttl),
    maxLeaseTtlMs: ms(file.max_lease_ttl),
    approvalTimeoutMs: ms(file.approval_timeout),
    rotationTimeoutMs: ms(file.rotation_timeout),
    denyCooldownMs: ms(file.approvals.deny_cooldown),
    killswitchGraceMs: ms(file.killswitch_grace),
    server: {
      maxConnections: file.server.max_connections,
      maxConnectionsPerProcess: file.server.max_connections_per_process,
      maxRequestsInFlight: file.server.max_requests_in_flight,
      reservedConnections: file.server.reserved_connections,
      reservedConnectionsPerProcess: file.server.reserved_connections_per_process,
      maxFrameBytes: file.server.max_frame_bytes,
      idleTimeoutMs: ms(file.server.idle_timeout),
      reservedIdleTimeoutMs: ms(file.server.reserved_idle_timeout),
      frameTimeoutMs: ms(file.server.frame_timeout),
    },
  };
}

/** Reads config.json; a missing file means every default. */
export function loadConfig(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parseConfig({});
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DaemonError('INVALID_CONFIG', `${path} is not valid JSON: ${(error as Error).message}`, 'fix the file or delete it to use the defaults');
  }
  return parseConfig(raw, path);
}
