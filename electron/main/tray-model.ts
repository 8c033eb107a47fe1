/**
 * What the tray shows, as a plain function of the daemon's state (DESIGN.md §6): the icon, the tooltip
 * and the menu. No Electron here: the adapter turns the model into a `Tray` and a `Menu` and wires
 * each item's click by its `id`, so every decision below is unit-tested under plain Node.
 *
 * Text from outside the app (the killswitch reason: anyone may engage it, with any reason) is made one
 * plain line, shortened, and escaped for Electron menus, where `&` marks a mnemonic on every platform.
 */
import type { StatusT } from '../../shared/protocol.js';

export const TRAY_ICONS = ['idle', 'active', 'pending', 'locked'] as const;
export type TrayIcon = (typeof TRAY_ICONS)[number];

/**
 * Every item the tray menu can hold. The list is the same in every state (only labels, `enabled` and
 * `visible` change), so the adapter's click handler is one exhaustive switch over these ids:
 * - `approvals`: open the approval window.
 * - `warnings`: open the dashboard (where the full warning text is).
 * - `open-dashboard`: open the dashboard.
 * - `killswitch`: `killswitch.engage` (revoke every lease, stop supervised processes, lock).
 * - `lock`: lock without revoking. ASSUMPTION: the protocol has no such call, but the daemon the app
 *   hosts does (`Killswitch.engage({ revoke: false })`, as the heartbeat's `revoke_all: false` uses):
 *   no new lease until an admin unlocks, while leases already out run to their expiry. `status` then
 *   shows it as the killswitch engaged, so both items read "engaged"/"Locked" afterwards.
 * - `quit`: quit the app (the daemon it hosts stops with it).
 * - `status`, `leases`, `heartbeat`: information only, never enabled.
 */
export const TRAY_ITEM_IDS = [
  'status',
  'heartbeat',
  'leases',
  'approvals',
  'warnings',
  'sep-actions',
  'open-dashboard',
  'killswitch',
  'lock',
  'sep-quit',
  'quit',
] as const;
export type TrayItemId = (typeof TRAY_ITEM_IDS)[number];

export interface MenuItemModel {
  id: TrayItemId;
  label: string;
  enabled: boolean;
  /** Omitted means `normal`. */
  type?: 'separator' | 'normal';
  /** Omitted means visible; hidden items keep their place so ids and order never change. */
  visible?: boolean;
}

export interface TrayModel {
  icon: TrayIcon;
  tooltip: string;
  menu: MenuItemModel[];
}

export interface TrayInput {
  /** The daemon's `status` result, or null while it is not running (starting, stopped, crashed). */
  status: StatusT | null;
  /** Approval prompts the app holds (shown or queued): one may arrive before the next `status`. */
  queuedPrompts: number;
  /**
   * `heartbeat.failures_before_trigger` from config.json, to show "2/3": `status` reports only the
   * count so far. Without it the menu shows the count alone.
   */
  heartbeatFailuresBeforeTrigger?: number;
}

/** Longest killswitch reason or warning shown in a menu line, in characters (one readable line). */
export const MENU_TEXT_MAX = 60;
/** Longest tooltip: Windows cuts tray tooltips at 127 characters; the others show more but wrap badly. */
export const TOOLTIP_MAX = 127;

/**
 * The tray for one moment. Icon priority: locked > pending > active > idle, so the most urgent state
 * is the one a person sees. A daemon that is not running shows `locked`: nothing is served then, and
 * a grey "idle" mark would claim that all is well.
 */
export function trayModel(input: TrayInput): TrayModel {
  const facts = factsOf(input);
  return { icon: iconOf(facts), tooltip: tooltipOf(facts), menu: menuOf(facts) };
}

/** What the Electron adapter draws: the icon as a file name in `assets/`, and only the visible items. */
export interface TrayView {
  icon: string;
  tooltip: string;
  menu: MenuItemModel[];
}

/**
 * The model ready for the adapter (tray-app.ts `TrayAppParts.trayView`). The icon is named at 1x:
 * Electron's nativeImage loads the `@2x` file beside it by itself on a HiDPI display. Hidden items are
 * dropped, so an adapter that does not know `visible` can never show one; the ids of the rest are
 * unchanged, so the click handler still switches over `TrayItemId`.
 */
export function trayView(
  status: StatusT | null,
  queuedPrompts: number,
  options: { platform?: NodeJS.Platform; heartbeatFailuresBeforeTrigger?: number } = {},
): TrayView {
  const { platform = process.platform, heartbeatFailuresBeforeTrigger } = options;
  const model = trayModel({ status, queuedPrompts, ...(heartbeatFailuresBeforeTrigger === undefined ? {} : { heartbeatFailuresBeforeTrigger }) });
  return {
    icon: trayIconFile(model.icon, platform, 1),
    tooltip: model.tooltip,
    menu: model.menu.filter((item) => item.visible !== false).map(({ visible: _hidden, ...item }) => item),
  };
}

/**
 * The asset (a file name in `assets/`) for an icon state. macOS gets template images (black and alpha,
 * `…Template.png`), which the system tints for light and dark menu bars; elsewhere the colour icons
 * (22 px, a common panel size). `scale` is the display's scale factor: 1.5 and up takes the @2x file.
 * Electron's nativeImage also picks up an `@2x` sibling by itself when given the 1x path.
 */
export function trayIconFile(icon: TrayIcon, platform: NodeJS.Platform, scale: number): string {
  const suffix = scale >= 1.5 ? '@2x' : '';
  return platform === 'darwin' ? `tray-${icon}Template${suffix}.png` : `tray-${icon}${suffix}.png`;
}

/** The state the model reads, computed once so icon, tooltip and menu can never disagree. */
interface Facts {
  running: boolean;
  locked: boolean;
  killswitch: boolean;
  reason: string | null;
  leases: number;
  approvals: number;
  /** `2/3` or `2`, or null when the heartbeat is off or healthy. */
  heartbeatFailing: string | null;
  warnings: string[];
}

function factsOf({ status, queuedPrompts, heartbeatFailuresBeforeTrigger }: TrayInput): Facts {
  if (status === null) {
    return { running: false, locked: true, killswitch: false, reason: null, leases: 0, approvals: 0, heartbeatFailing: null, warnings: [] };
  }
  const killswitch = status.killswitch.engaged;
  const failures = status.heartbeat.enabled ? (status.heartbeat.consecutive_failures ?? 0) : 0;
  const limit = heartbeatFailuresBeforeTrigger;
  return {
    running: true,
    locked: status.locked || killswitch,
    killswitch,
    reason: status.killswitch.reason,
    leases: countOf(status.counts.active_leases),
    // The daemon's count and the app's queue describe the same requests: the larger is the truth
    // (the queue may be ahead of the last status), and adding them would count each twice.
    approvals: Math.max(countOf(status.approvals.pending), countOf(queuedPrompts)),
    heartbeatFailing: failures > 0 ? (limit !== undefined && limit > 0 ? `${failures}/${limit}` : `${failures}`) : null,
    // The killswitch warning repeats the status line, which already says it (with its reason).
    warnings: status.warnings.filter((w) => !(killswitch && w.startsWith('the killswitch is engaged'))),
  };
}

function iconOf(f: Facts): TrayIcon {
  if (f.locked) return 'locked';
  if (f.approvals > 0) return 'pending';
  if (f.leases > 0) return 'active';
  return 'idle';
}

function tooltipOf(f: Facts): string {
  const parts: string[] = [];
  if (!f.running) parts.push('daemon not running');
  else if (f.locked) parts.push(f.reason ? `locked (${oneLine(f.reason, 40)})` : 'locked');
  if (f.running) {
    parts.push(f.leases > 0 ? plural(f.leases, 'lease', 'leases') : 'no leases');
    if (f.approvals > 0) parts.push(`${plural(f.approvals, 'approval', 'approvals')} waiting`);
    if (f.heartbeatFailing) parts.push(`heartbeat failing (${f.heartbeatFailing})`);
  }
  return oneLine(`Agent Secrets — ${parts.join(', ')}`, TOOLTIP_MAX);
}

function statusLine(f: Facts): string {
  if (!f.running) return 'Daemon not running';
  if (f.killswitch) return f.reason ? `Locked — killswitch engaged (${menuText(f.reason, 40)})` : 'Locked — killswitch engaged';
  if (f.locked) return 'Locked';
  if (f.heartbeatFailing) return `Heartbeat failing (${f.heartbeatFailing})`;
  return 'Unlocked';
}

function menuOf(f: Facts): MenuItemModel[] {
  const actionable = f.running && !f.locked;
  return [
    { id: 'status', label: statusLine(f), enabled: false },
    // Shown apart from the status line only while that line has something more urgent to say.
    {
      id: 'heartbeat',
      label: `Heartbeat failing (${f.heartbeatFailing ?? '0'})`,
      enabled: false,
      visible: f.heartbeatFailing !== null && f.locked,
    },
    { id: 'leases', label: f.leases > 0 ? `${plural(f.leases, 'lease', 'leases')} active` : 'No leases active', enabled: false },
    {
      id: 'approvals',
      label: f.approvals > 0 ? `${plural(f.approvals, 'approval', 'approvals')} waiting` : 'No approvals waiting',
      enabled: f.approvals > 0,
    },
    {
      id: 'warnings',
      label: f.warnings.length === 1 ? `⚠ ${menuText(capitalised(firstClause(f.warnings[0]!)), MENU_TEXT_MAX)}` : `⚠ ${f.warnings.length} warnings`,
      enabled: f.warnings.length > 0,
      visible: f.warnings.length > 0,
    },
    { id: 'sep-actions', label: '', enabled: true, type: 'separator' },
    { id: 'open-dashboard', label: 'Open dashboard', enabled: true },
    { id: 'killswitch', label: f.killswitch ? 'Killswitch engaged' : 'Engage killswitch', enabled: actionable },
    { id: 'lock', label: f.locked && f.running ? 'Locked' : 'Lock', enabled: actionable },
    { id: 'sep-quit', label: '', enabled: true, type: 'separator' },
    { id: 'quit', label: 'Quit Agent Secrets', enabled: true },
  ];
}

/** A count from outside, as a whole number ≥ 0 (a bad value must not print "NaN leases"). */
function countOf(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Up to the first `: ` — daemon warnings say what is wrong, then what to do; the tray has room for the first. */
function firstClause(text: string): string {
  const at = text.indexOf(': ');
  return at === -1 ? text : text.slice(0, at);
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One line for a menu label: shortened, and `&` doubled so Electron shows it instead of a mnemonic. */
function menuText(text: string, max: number): string {
  return oneLine(text, max).replaceAll('&', '&&');
}

/**
 * Text from outside as one plain line of at most `max` characters: control and format characters
 * (newlines, bidi overrides that could make a reason read backwards, zero-width characters) become
 * spaces, runs of space collapse, and a cut ends in `…`. Counts code points, so no emoji is split.
 */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').replace(/\s+/gu, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
