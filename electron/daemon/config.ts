/**
 * config.json: user-editable, validated once at start. Keys keep the original agent-secrets names;
 * missing keys take their defaults, unknown keys are an error that names the field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DaemonError } from '../../shared/errors.js';
import { tryParseDuration } from '../../shared/durations.js';
import { SETTINGS_FIELDS, durationSetting as duration } from '../../shared/settings.js';
import { AGENT_GROUP } from '../../shared/locations.js';

// The editable settings are declared in shared/settings.ts (the window edits them through config.set);
// the socket server's limits are the file's alone.
const ConfigSchema = z
  .object({
    ...SETTINGS_FIELDS,
    /**
     * The agent socket (DESIGN.md §2): agents of other users (an agent user, a container) connect
     * there with agent rights only. Served when `socket` is set, or when the default directory
     * (/run/agent-secrets/<user>/, made by `sudo secrets agent-user add`) exists.
     */
    agents: z
      .object({
        socket: z.string().startsWith('/', 'must be an absolute path').nullable().default(null),
        group: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a group name').default(AGENT_GROUP),
        /** Uids that may connect whatever their groups (a container's, as the host sees it); root needs no socket. */
        uids: z.array(z.number().int().min(1, 'uid 0 (root) cannot be an agent')).max(1000).default([]),
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
  return parseConfig(readConfigJson(path), path);
}

/**
 * The JSON in config.json as written (before defaults); a missing file is `{}`.
 * @throws DaemonError INVALID_CONFIG when it is not valid JSON, or is `null`.
 */
export function readConfigJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Not JSON.parse's own words: they quote the file, which may be binary or hold a token.
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    const what = /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text) ? 'it holds binary data, not text' : at === undefined ? 'it ends too early' : `the error is at character ${at}`;
    throw new DaemonError('INVALID_CONFIG', `${path} is not valid JSON: ${what}`, 'fix the file or delete it to use the defaults');
  }
  // `null` would otherwise pass as "no settings" and start the daemon on every default.
  if (parsed === null) throw new DaemonError('INVALID_CONFIG', `${path}: (top level): must be a JSON object, not null`, 'fix the file or delete it to use the defaults');
  return parsed;
}
