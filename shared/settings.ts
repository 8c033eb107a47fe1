/**
 * The settings a person may edit (config.json without its `server` limits), declared once: the
 * daemon's config parser is built from these fields (electron/daemon/config.ts), and `config.get` /
 * `config.set` carry them, so the window is typed by the very schema the daemon validates with.
 * Missing keys take their defaults; cross-field rules (default TTL ≤ max TTL, …) live in config.ts.
 */
import { z } from 'zod';
import { tryParseDuration } from './durations.js';
import { CLIENT_ID_PATTERN, CLIENT_ID_RULE, SECRET_NAME_PATTERN, SECRET_NAME_RULE } from './names.js';

/** A Go-style duration field with its default (config.json writes durations as text). */
export const durationSetting = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((text) => (tryParseDuration(text) ?? 0) > 0, { message: 'must be a positive Go-style duration such as 30s, 5m or 1h' });

/**
 * `secrets mcp` (read by it when it starts). `allow_raw_lease` adds the tool `secrets_lease`, which
 * hands a value to the MCP client, so into the model's context and transcript: off unless a person
 * turns it on.
 */
export const McpSettings = z.object({ allow_raw_lease: z.boolean().default(false) }).strict().prefault({});

export const SETTINGS_FIELDS = {
  default_lease_ttl: durationSetting('1h'),
  max_lease_ttl: durationSetting('24h'),
  approval_timeout: durationSetting('120s'),
  rotation_timeout: durationSetting('30s'),
  /**
   * The tray app's global killswitch shortcut (an Electron accelerator such as "Control+Alt+Shift+K");
   * omitted: Ctrl+Alt+Shift+K (Cmd+Option+Shift+K on macOS); "": none.
   */
  killswitch_shortcut: z
    .string()
    .regex(/^(((CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|AltGr|Shift|Super|Meta)\+)+([A-Z0-9]|F([1-9]|1[0-9]|2[0-4]))|)$/, 'must be modifiers and a key joined by "+", e.g. "Control+Alt+Shift+K", or "" for none')
    .optional(),
  /** How long supervised processes get between SIGTERM and SIGKILL when their access is cut. */
  killswitch_grace: durationSetting('5s'),
  heartbeat: z
    .object({
      enabled: z.boolean().default(false),
      url: z.string().default(''),
      interval: durationSetting('60s'),
      timeout: durationSetting('10s'),
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
      deny_cooldown: durationSetting('60s'),
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
  mcp: McpSettings,
};

/** The editable settings with every default filled in (what `config.get` answers). */
export const Settings = z.object(SETTINGS_FIELDS).strict();
export type SettingsT = z.output<typeof Settings>;

/**
 * A change to the settings as `config.set` takes it: any subset, nested objects merged key by key into
 * config.json, arrays replaced whole. Checked here only for being an object without `server`; the
 * merged file is then validated whole by the daemon's config parser, so the error names the field.
 */
export type SettingsPatch = z.input<typeof Settings>;
export const SettingsPatch = z.custom<SettingsPatch>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && !Object.hasOwn(value, 'server'),
  'give the settings to change as an object, as in config.json (the server limits are changed in the file itself)',
);
