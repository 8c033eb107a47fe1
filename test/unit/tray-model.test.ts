import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusHandlers } from '../../electron/daemon/server/handlers/status.js';
import {
  type MenuItemModel,
  type TrayInput,
  type TrayItemId,
  type TrayModel,
  MENU_TEXT_MAX,
  TOOLTIP_MAX,
  TRAY_ITEM_IDS,
  trayIconFile,
  trayModel,
  trayView,
} from '../../electron/main/tray-model.js';
import { Status, type StatusT } from '../../shared/protocol.js';
import { createTestCore } from '../helpers/core.js';

/** A `status` result as the daemon sends it, checked against the protocol schema so the fixture cannot drift. */
function status(change: { leases?: number; pending?: number; engaged?: boolean; reason?: string | null; heartbeatFailures?: number; warnings?: string[] } = {}): StatusT {
  const engaged = change.engaged ?? false;
  return Status.parse({
    version: '0.1.0',
    pid: 4242,
    started_at: '2025-01-01T00:00:00.000Z',
    uptime_s: 60,
    data_dir: '/home/me/.agent-secrets',
    socket: '/home/me/.agent-secrets/daemon.sock',
    protection: 'passphrase',
    locked: engaged,
    killswitch: { engaged, changed_at: engaged ? '2025-01-01T00:01:00.000Z' : null, reason: engaged ? (change.reason ?? null) : null },
    heartbeat:
      change.heartbeatFailures === undefined
        ? { enabled: false }
        : { enabled: true, url: 'https://hb.example', last_ok: null, last_failure: '2025-01-01T00:00:30.000Z', consecutive_failures: change.heartbeatFailures, next_check: null, triggered: false },
    approvals: { policy: 'prompt', pending: change.pending ?? 0, timeout: '2m' },
    admin: { failed_proofs: 0, locked_until: null },
    counts: { secrets: 3, active_leases: change.leases ?? 0, audit_entries: 10 },
    limits: { default_lease_ttl: '15m', max_lease_ttl: '24h' },
    agent_socket: null,
    warnings: change.warnings ?? [],
  });
}

const model = (s: StatusT | null, extra: Partial<TrayInput> = {}) => trayModel({ status: s, queuedPrompts: 0, ...extra });

function item(m: TrayModel, id: TrayItemId): MenuItemModel {
  const found = m.menu.find((i) => i.id === id);
  assert.ok(found, `menu has no item ${id}`);
  return found;
}

const shown = (i: MenuItemModel) => i.visible !== false;

test('idle: grey mark, nothing waiting, the actions open', () => {
  const m = model(status());
  assert.equal(m.icon, 'idle');
  assert.equal(m.tooltip, 'Agent Secrets — no leases');
  assert.equal(item(m, 'status').label, 'Unlocked');
  assert.equal(item(m, 'leases').label, 'No leases active');
  assert.deepEqual(item(m, 'approvals'), { id: 'approvals', label: 'No approvals waiting', enabled: false });
  assert.equal(shown(item(m, 'heartbeat')), false);
  assert.equal(shown(item(m, 'warnings')), false);
  for (const id of ['open-dashboard', 'killswitch', 'lock', 'quit'] as const) assert.equal(item(m, id).enabled, true, id);
  assert.equal(item(m, 'killswitch').label, 'Engage killswitch');
  assert.equal(item(m, 'lock').label, 'Lock');
  // Information lines are never clickable.
  for (const id of ['status', 'leases', 'heartbeat'] as const) assert.equal(item(m, id).enabled, false, id);
});

test('leases active: counted in the menu and the tooltip, singular and plural', () => {
  const one = model(status({ leases: 1 }));
  assert.equal(one.icon, 'active');
  assert.equal(item(one, 'leases').label, '1 lease active');
  assert.equal(one.tooltip, 'Agent Secrets — 1 lease');
  const three = model(status({ leases: 3 }));
  assert.equal(item(three, 'leases').label, '3 leases active');
  assert.equal(three.tooltip, 'Agent Secrets — 3 leases');
});

test('approval pending outranks leases; the approvals item opens the window', () => {
  const m = model(status({ leases: 3, pending: 1 }));
  assert.equal(m.icon, 'pending');
  assert.deepEqual(item(m, 'approvals'), { id: 'approvals', label: '1 approval waiting', enabled: true });
  assert.equal(m.tooltip, 'Agent Secrets — 3 leases, 1 approval waiting');
  assert.equal(item(model(status({ pending: 2 })), 'approvals').label, '2 approvals waiting');
});

test("a prompt the app already holds counts before the next status; the same request is not counted twice", () => {
  assert.equal(model(status(), { queuedPrompts: 1 }).icon, 'pending');
  assert.equal(item(model(status({ pending: 2 }), { queuedPrompts: 2 }), 'approvals').label, '2 approvals waiting');
  assert.equal(item(model(status({ pending: 3 }), { queuedPrompts: 1 }), 'approvals').label, '3 approvals waiting');
});

test('locked outranks everything; the killswitch and lock items say so and cannot be pulled again', () => {
  const m = model(status({ leases: 2, pending: 1, engaged: true, reason: 'heartbeat: ECONNREFUSED' }), { queuedPrompts: 1 });
  assert.equal(m.icon, 'locked');
  assert.equal(item(m, 'status').label, 'Locked — killswitch engaged (heartbeat: ECONNREFUSED)');
  assert.deepEqual(item(m, 'killswitch'), { id: 'killswitch', label: 'Killswitch engaged', enabled: false });
  assert.deepEqual(item(m, 'lock'), { id: 'lock', label: 'Locked', enabled: false });
  assert.equal(m.tooltip, 'Agent Secrets — locked (heartbeat: ECONNREFUSED), 2 leases, 1 approval waiting');
  // The way out is the dashboard (disengaging needs the passphrase); quitting always works.
  assert.equal(item(m, 'open-dashboard').enabled, true);
  assert.equal(item(m, 'quit').enabled, true);
  assert.equal(item(model(status({ engaged: true, reason: null })), 'status').label, 'Locked — killswitch engaged');
});

test('every transition up the priority and back down shows the state of that moment', () => {
  const steps: Array<[StatusT, number, string]> = [
    [status(), 0, 'idle'],
    [status({ leases: 1 }), 0, 'active'],
    [status({ leases: 1, pending: 1 }), 0, 'pending'],
    [status({ leases: 1 }), 1, 'pending'],
    [status({ leases: 1, pending: 1, engaged: true, reason: 'panic' }), 1, 'locked'],
    // Disengaged again: back to what is true now, with nothing carried over from before.
    [status({ leases: 0, pending: 1 }), 0, 'pending'],
    [status({ leases: 2 }), 0, 'active'],
    [status(), 0, 'idle'],
    [status({ engaged: true }), 0, 'locked'],
    [status(), 0, 'idle'],
  ];
  for (const [s, queuedPrompts, icon] of steps) {
    const m = model(s, { queuedPrompts });
    assert.equal(m.icon, icon, JSON.stringify({ leases: s.counts.active_leases, pending: s.approvals.pending, queuedPrompts, engaged: s.killswitch.engaged }));
    assert.equal(item(m, 'killswitch').enabled, icon !== 'locked');
    assert.equal(item(m, 'lock').enabled, icon !== 'locked');
  }
});

test('a failing heartbeat is shown with its count, against the trigger threshold when known', () => {
  const m = model(status({ leases: 1, heartbeatFailures: 2 }), { heartbeatFailuresBeforeTrigger: 3 });
  assert.equal(m.icon, 'active');
  assert.equal(item(m, 'status').label, 'Heartbeat failing (2/3)');
  assert.equal(m.tooltip, 'Agent Secrets — 1 lease, heartbeat failing (2/3)');
  assert.equal(item(model(status({ heartbeatFailures: 1 })), 'status').label, 'Heartbeat failing (1)');
  // Healthy or off: nothing about it.
  assert.equal(item(model(status({ heartbeatFailures: 0 }), { heartbeatFailuresBeforeTrigger: 3 }), 'status').label, 'Unlocked');
  assert.doesNotMatch(model(status({ heartbeatFailures: 0 })).tooltip, /heartbeat/);
  // While locked the status line speaks of the lock, so the heartbeat gets its own line.
  const locked = model(status({ engaged: true, reason: 'manual', heartbeatFailures: 3 }), { heartbeatFailuresBeforeTrigger: 3 });
  assert.equal(item(locked, 'heartbeat').label, 'Heartbeat failing (3/3)');
  assert.equal(shown(item(locked, 'heartbeat')), true);
  assert.equal(shown(item(m, 'heartbeat')), false, 'not twice when the status line already says it');
});

test('daemon not running: nothing is served, so the locked mark, and only dashboard and quit work', () => {
  const m = model(null, { queuedPrompts: 2 });
  assert.equal(m.icon, 'locked');
  assert.equal(m.tooltip, 'Agent Secrets — daemon not running');
  assert.equal(item(m, 'status').label, 'Daemon not running');
  assert.deepEqual(item(m, 'killswitch'), { id: 'killswitch', label: 'Engage killswitch', enabled: false });
  assert.deepEqual(item(m, 'lock'), { id: 'lock', label: 'Lock', enabled: false });
  assert.equal(item(m, 'approvals').enabled, false, 'no daemon to answer a prompt to');
  assert.equal(item(m, 'open-dashboard').enabled, true);
  assert.equal(item(m, 'quit').enabled, true);
});

test('a long or hostile killswitch reason stays one short line, and & is not eaten as a mnemonic', () => {
  const reason = `${'agent says: '.repeat(40)}done`;
  const m = model(status({ engaged: true, reason }));
  const label = item(m, 'status').label;
  assert.ok(label.startsWith('Locked — killswitch engaged (agent says: agent says:'), label);
  assert.ok(label.endsWith('…)'), label);
  assert.ok(label.length <= 'Locked — killswitch engaged ()'.length + MENU_TEXT_MAX, `${label.length}`);
  assert.ok(m.tooltip.length <= TOOLTIP_MAX, `${m.tooltip.length}`);

  // Newlines, a bidi override and a zero-width space cannot break the line or reorder the text.
  const hostile = model(status({ engaged: true, reason: 'rm\n-rf\u202E gnp.exe\u200B & more' }));
  assert.equal(item(hostile, 'status').label, 'Locked — killswitch engaged (rm -rf gnp.exe && more)');
  assert.equal(hostile.tooltip, 'Agent Secrets — locked (rm -rf gnp.exe & more), no leases');

  // A cut never splits an emoji (a surrogate pair) in half.
  const emoji = item(model(status({ engaged: true, reason: '🔑'.repeat(100) })), 'status').label;
  assert.doesNotMatch(emoji, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  assert.ok(emoji.includes('🔑…'), emoji);
});

test('menu ids and order are the same in every state, so the adapter wires each click once', () => {
  const states: Array<[StatusT | null, Partial<TrayInput>]> = [
    [null, {}],
    [status(), {}],
    [status({ leases: 5 }), {}],
    [status({ pending: 1 }), { queuedPrompts: 3 }],
    [status({ engaged: true, reason: 'x', heartbeatFailures: 9, warnings: ['a: b', 'c'] }), { heartbeatFailuresBeforeTrigger: 3 }],
  ];
  for (const [s, extra] of states) {
    const m = model(s, extra);
    assert.deepEqual(m.menu.map((i) => i.id), [...TRAY_ITEM_IDS]);
    for (const i of m.menu) {
      if (i.type === 'separator') assert.ok(i.id.startsWith('sep-'));
      else assert.ok(i.label.length > 0, `${i.id} has a label`);
    }
  }
});

test('warnings: one shows its first clause, several show a count; both open the dashboard', () => {
  const one = model(status({ warnings: ['the identity is a plaintext key file (--insecure-keyfile): admin actions are open to any local process'] }));
  assert.deepEqual(item(one, 'warnings'), { id: 'warnings', label: '⚠ The identity is a plaintext key file (--insecure-keyfile)', enabled: true, visible: true });
  const two = model(status({ warnings: ['a', 'b'] }));
  assert.equal(item(two, 'warnings').label, '⚠ 2 warnings');
});

test('trayIconFile: template images on macOS, colour icons elsewhere, @2x from a 1.5 scale up', () => {
  assert.equal(trayIconFile('idle', 'darwin', 1), 'tray-idleTemplate.png');
  assert.equal(trayIconFile('locked', 'darwin', 2), 'tray-lockedTemplate@2x.png');
  assert.equal(trayIconFile('active', 'linux', 1), 'tray-active.png');
  assert.equal(trayIconFile('pending', 'linux', 1.25), 'tray-pending.png');
  assert.equal(trayIconFile('pending', 'linux', 1.5), 'tray-pending@2x.png');
  assert.equal(trayIconFile('active', 'win32', 3), 'tray-active@2x.png');
});

test('trayView: the icon as the 1x file for the platform, hidden items dropped, ids unchanged', () => {
  const linux = trayView(status({ leases: 2 }), 0, { platform: 'linux' });
  assert.equal(linux.icon, 'tray-active.png');
  assert.equal(linux.tooltip, 'Agent Secrets — 2 leases');
  assert.deepEqual(linux.menu.map((i) => i.id), TRAY_ITEM_IDS.filter((id) => id !== 'heartbeat' && id !== 'warnings'));
  assert.ok(linux.menu.every((i) => !('visible' in i)), 'an adapter that ignores `visible` gets nothing to ignore');

  const mac = trayView(status({ engaged: true, reason: 'r', heartbeatFailures: 3, warnings: ['w'] }), 0, { platform: 'darwin', heartbeatFailuresBeforeTrigger: 3 });
  assert.equal(mac.icon, 'tray-lockedTemplate.png');
  assert.deepEqual(mac.menu.map((i) => i.id), [...TRAY_ITEM_IDS]);
  assert.equal(mac.menu.find((i) => i.id === 'heartbeat')!.label, 'Heartbeat failing (3/3)');
  assert.equal(trayView(null, 0, { platform: 'win32' }).icon, 'tray-locked.png');
});

test("the real daemon's status: the killswitch shows once, with its reason; lock keeps leases running", async () => {
  const t = await createTestCore({}, { adminPassphrase: 'the person' });
  try {
    const status = statusHandlers(t.core).status;
    await t.core.secrets.add({ name: 'token', value: 'v' });
    await t.core.leases.grant({ secret_name: 'token', client_id: 'agent', verified: { pid: 1, launcher_key: '/usr/bin/agent' } });
    assert.equal(model(await status({}, { transport: 'ipc' })).icon, 'active');

    // Lock as the tray's `lock` item is meant to: no new lease, the one out runs to its expiry.
    t.core.killswitch.engage({ reason: 'locked from the tray', revoke: false }, { pid: null });
    const locked = model(await status({}, { transport: 'ipc' }));
    assert.equal(locked.icon, 'locked');
    assert.equal(item(locked, 'status').label, 'Locked — killswitch engaged (locked from the tray)');
    assert.equal(item(locked, 'leases').label, '1 lease active');
    assert.equal(shown(item(locked, 'warnings')), false, 'the killswitch warning is the status line, not a second line');
  } finally {
    await t.dispose();
  }
});
