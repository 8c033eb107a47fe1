/**
 * What the Settings tab edits, as data: each group of config.json settings with its fields' paths
 * (dotted, as in config.json and in the daemon's errors), labels and kinds. One form renders them
 * all, so a new setting is one line here.
 */
import type { SettingsT } from '../../../shared/settings.js';

export type FieldKind = 'duration' | 'text' | 'number' | 'checkbox' | 'select';

export interface FieldSpec {
  path: string;
  label: string;
  kind: FieldKind;
  options?: readonly { value: string; label: string }[];
  help?: string;
  placeholder?: string;
  /** The legend of a nested fieldset the field sits in (the heartbeat's fail actions). */
  within?: string;
}

export interface GroupSpec {
  id: string;
  legend: string;
  /** What the group is about, shown under its legend. */
  intro?: string;
  /** The same for a nested fieldset, by its `within` legend. */
  nestedIntros?: Readonly<Record<string, string>>;
  fields: readonly FieldSpec[];
}

const DURATION_HELP = 'A duration such as 90s, 30m or 1h30m';
const ON_TRIGGER = 'When the heartbeat triggers the killswitch';

/**
 * What engaging always does, whoever engages it (electron/daemon/killswitch/killswitch.ts): the
 * button, tray and shortcut engage with these alone; the heartbeat adds the fail actions chosen here.
 */
export const KILLSWITCH_ALWAYS = 'stops every process started through secrets exec, deletes the .env files the daemon wrote, denies waiting requests and locks: no secret is leased until you disengage it';

export const GROUPS: readonly GroupSpec[] = [
  {
    id: 'leases',
    legend: 'Leases',
    fields: [
      { path: 'default_lease_ttl', label: 'Default lease time', kind: 'duration', help: DURATION_HELP },
      { path: 'max_lease_ttl', label: 'Longest lease time', kind: 'duration', help: DURATION_HELP },
    ],
  },
  {
    id: 'approvals',
    legend: 'Approvals',
    fields: [
      { path: 'approval_timeout', label: 'Deny a request nobody answers after', kind: 'duration', help: DURATION_HELP },
      {
        path: 'approvals.policy',
        label: 'New clients',
        kind: 'select',
        options: [
          { value: 'prompt', label: 'Ask me about every new client' },
          { value: 'preapproved', label: 'Let the clients listed in config.json lease without asking' },
        ],
      },
      { path: 'approvals.deny_cooldown', label: 'After a denial, refuse the same client without asking for', kind: 'duration', help: DURATION_HELP },
    ],
  },
  {
    id: 'heartbeat',
    legend: 'Heartbeat (dead-man switch)',
    nestedIntros: { [ON_TRIGGER]: `It always ${KILLSWITCH_ALWAYS}. Also:` },
    fields: [
      { path: 'heartbeat.enabled', label: 'Engage the killswitch when the heartbeat URL stays down', kind: 'checkbox' },
      { path: 'heartbeat.url', label: 'Heartbeat URL', kind: 'text', placeholder: 'https://…', help: 'Checked with a GET; any 2xx answer counts as up' },
      { path: 'heartbeat.interval', label: 'Check every', kind: 'duration', help: DURATION_HELP },
      { path: 'heartbeat.timeout', label: 'Give each check up to', kind: 'duration', help: DURATION_HELP },
      { path: 'heartbeat.failures_before_trigger', label: 'Failed checks in a row before it triggers', kind: 'number' },
      { path: 'heartbeat.fail_action.revoke_all', label: 'Revoke every lease', kind: 'checkbox', within: ON_TRIGGER },
      { path: 'heartbeat.fail_action.rotate_all', label: 'Run every rotation hook', kind: 'checkbox', within: ON_TRIGGER },
      { path: 'heartbeat.fail_action.wipe_store', label: 'Wipe every secret value (cannot be undone)', kind: 'checkbox', within: ON_TRIGGER },
    ],
  },
  {
    id: 'killswitch',
    legend: 'Killswitch and rotation',
    intro: `The KILLSWITCH button, the tray menu's Killswitch and the shortcut act at once, without asking. Engaging revokes every lease and ${KILLSWITCH_ALWAYS}. They never run rotation hooks or wipe values (only the heartbeat can, if you choose so above). The tray's Lock does the same but lets the leases already given run out.`,
    fields: [
      { path: 'killswitch_grace', label: 'Time supervised processes get to exit before they are killed', kind: 'duration', help: DURATION_HELP },
      {
        path: 'killswitch_shortcut',
        label: 'Global killswitch shortcut',
        kind: 'text',
        placeholder: 'Control+Alt+Shift+K (default)',
        help: 'Modifiers and a key joined by "+"; saved empty: no shortcut',
      },
      { path: 'rotation_timeout', label: 'Stop a rotation hook after', kind: 'duration', help: DURATION_HELP },
    ],
  },
];

export type FieldValue = string | number | boolean | undefined;

export function valueAt(settings: SettingsT, path: string): FieldValue {
  let node: unknown = settings;
  for (const key of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[key];
  return node as FieldValue;
}

/** A copy of `settings` with `path` set to `value` (the objects along the path are copied). */
export function withValue(settings: SettingsT, path: string, value: FieldValue): SettingsT {
  const set = (node: Record<string, unknown>, keys: string[]): Record<string, unknown> => {
    const [key, ...rest] = keys as [string, ...string[]];
    return { ...node, [key]: rest.length === 0 ? value : set((node[key] ?? {}) as Record<string, unknown>, rest) };
  };
  return set(settings, path.split('.')) as SettingsT;
}

/** The config.set params for the fields of `paths` that differ between `saved` and `draft`. */
export function patchOf(paths: readonly string[], saved: SettingsT, draft: SettingsT): Record<string, unknown> {
  let patch = {} as SettingsT;
  for (const path of paths) if (valueAt(draft, path) !== valueAt(saved, path)) patch = withValue(patch, path, valueAt(draft, path));
  return patch;
}

/** Whether a key the daemon says waits for a restart covers `path` (or a key inside it). */
export function waitsForRestart(restartNeeded: readonly string[], path: string): boolean {
  return restartNeeded.some((key) => key === path || key.startsWith(`${path}.`) || path.startsWith(`${key}.`));
}
