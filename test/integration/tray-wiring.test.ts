/**
 * The built tray app (dist/main/main.cjs) under plain Node, with a recording double of the slice of
 * Electron it uses (test/fixtures/fake-electron): the real daemon starts in its process, the real CLI
 * talks to it, and the test plays the person through the app's own IPC handlers and tray menu.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { APP_METHODS, UI_METHODS, uiChannel } from '../../shared/ui-service.js';
import { PASSPHRASE, TestStore } from '../helpers/store.js';
import { type AppState, type RunningApp, launchTrayApp as launch } from '../helpers/tray-app.js';

/** The passphrase as the app keeps it: sealed by the (fake) OS keychain. */
const SEALED_PASSPHRASE = 'fake-keychain:' + Buffer.from(PASSPHRASE).toString('base64');

describe('the tray app, wired', () => {
  let store: TestStore;
  let app: RunningApp;

  before(async () => {
    store = new TestStore({ autoApprove: false });
    await store.init();
    writeFileSync(join(store.home, 'passphrase.safe'), SEALED_PASSPHRASE, { mode: 0o600 });
    app = launch(store);
  });
  after(async () => {
    app.child.kill('SIGKILL');
    await store.cleanup();
  });

  test('ready: the daemon serves in the app, the tray shows idle, every UI method has its channel', async () => {
    const state = await app.until((s) => s.tray !== null, 'the tray');
    assert.match(state.tray!.image, /tray-idle/);
    assert.deepEqual(state.errors, []);
    assert.deepEqual([...state.channels].sort(), [...UI_METHODS, ...APP_METHODS].map(uiChannel).sort(), 'one channel per method the window may call, and no other');
    assert.ok(state.shortcuts.length === 1, 'the killswitch shortcut is registered');
    assert.deepEqual(state.schemes, ['app'], 'the pages get an origin of their own');
    const page = await app.fetch('app://bundle/index.html');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-security-policy']!, /default-src 'none'/);
    assert.match(page.body, /Agent Secrets/);
    for (const escape of ['app://bundle/../../etc/passwd', 'app://bundle/%2e%2e/%2e%2e/etc/passwd', 'app://other/index.html', 'app://bundle/missing.html']) {
      assert.equal((await app.fetch(escape)).status, 404, escape);
    }
    const status = await store.cli(['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.json.data.pid, app.child.pid, "the daemon answering the CLI runs in the app's process");
  });

  test('a lease from a new client opens the approval window; allowing it through the IPC handler gives the CLI its value', async () => {
    assert.equal((await store.admin(['add', 'token'], { input: 'the-value' })).code, 0);
    const lease = store.cli(['lease', 'token', '--client-id', 'newcomer'], { timeoutMs: 30_000 });
    const state = await app.until((s) => s.windows.some((w) => w.loads.some((l) => l.page === 'approval.html')), 'the approval window');
    const window = state.windows.find((w) => w.loads.some((l) => l.page === 'approval.html'))!;
    const requestId = window.loads.at(-1)!.hash!;
    assert.match(requestId, /^R-/);
    assert.equal(window.shown, 'inactive', 'shown without taking focus');
    assert.equal(window.options.alwaysOnTop, true);
    assert.equal(window.options.webPreferences.contextIsolation, true);
    assert.equal(window.options.webPreferences.sandbox, true);
    assert.equal(window.options.webPreferences.nodeIntegration, false);
    assert.equal(window.lockedDown, true, 'navigation and window.open are locked down');
    assert.match((await app.state()).tray!.image, /tray-pending/);

    const refused = await app.invoke('ui:requests.approve', { request_id: requestId, for: '1h' }, 'https://evil.example/');
    assert.equal(refused.error.code, 'DENIED', 'a page that is not the app cannot approve');
    assert.match(refused.error.message, /not the Agent Secrets window/);

    const allowed = await app.invoke('ui:requests.approve', { request_id: requestId, for: '1h' });
    assert.equal(allowed.error, undefined, JSON.stringify(allowed.error));
    const again = await app.invoke('ui:requests.approve', { request_id: requestId, for: '1h' });
    assert.deepEqual(again.error, { code: 'REQUEST_NOT_FOUND', message: `no pending request ${requestId}`, hint: 'list pending requests with: secrets requests' }, 'errors reach the window with their code and hint');
    const result = await lease;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'the-value');
    await app.until((s) => s.windows.every((w) => !w.loads.some((l) => l.page === 'approval.html') || w.destroyed), 'the approval window to close');
  });

  test('an admin command from a terminal without the passphrase is confirmed in the window, never by the terminal', async () => {
    const approvalLoads = (state: AppState) => state.windows.flatMap((w) => w.loads.filter((l) => l.page === 'approval.html').map((l) => ({ ...l, destroyed: w.destroyed })));
    const before = approvalLoads(await app.state()).length;
    const removal = store.cli(['rm', 'token'], { timeoutMs: 30_000 });
    const state = await app.until((s) => approvalLoads(s).length > before && /^C-/.test(approvalLoads(s).at(-1)!.hash ?? ''), 'the confirmation in the approval window');
    const confirmationId = approvalLoads(state).at(-1)!.hash!;
    const listed = await app.invoke('ui:confirmations.list', {});
    const shown = listed.result.confirmations.find((c: { confirmation_id: string }) => c.confirmation_id === confirmationId);
    assert.equal(shown.command, 'secrets.remove {"name":"token"}', 'the window shows exactly what will run');
    assert.equal(shown.caller.pid > 0, true, 'and who asked, as verified');

    const decided = await app.invoke('ui:confirmations.decide', { confirmation_id: confirmationId, allow: false });
    assert.equal(decided.result.allowed, false, decided.error);
    const refused = await removal;
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /waiting for you to confirm this in the Agent Secrets window/);
    assert.equal((await store.cli(['list', '--json'])).json.data.secrets.length, 1, 'refused: the secret is still there');

    const second = store.cli(['rm', 'token'], { timeoutMs: 30_000 });
    const next = await app.until((s) => approvalLoads(s).some((l) => /^C-/.test(l.hash ?? '') && l.hash !== confirmationId), 'the second confirmation');
    const secondId = approvalLoads(next).filter((l) => /^C-/.test(l.hash ?? '')).at(-1)!.hash!;
    assert.equal((await app.invoke('ui:confirmations.decide', { confirmation_id: secondId, allow: true })).result.allowed, true);
    const removed = await second;
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal((await store.cli(['list', '--json'])).json.data.secrets.length, 0);
    assert.equal((await store.admin(['add', 'token'], { input: 'the-value' })).code, 0, 'a passphrase file still works without the window');
  });

  test("the tray menu's Lock refuses new leases and lets the active ones run out; the window unlocks", async () => {
    const held = await store.cli(['lease', 'token', '--client-id', 'newcomer', '--json']);
    assert.equal(held.code, 0, held.stderr);
    await app.click('lock');
    await app.until((s) => /tray-locked/.test(s.tray?.image ?? ''), 'the locked tray icon');
    assert.equal((await store.cli(['lease', 'token', '--client-id', 'newcomer'])).code, 5);
    const active = (await app.invoke('ui:lease.list', {})).result.leases.map((l: { lease_id: string }) => l.lease_id);
    assert.ok(active.includes(held.json.data.lease_id), 'the lease taken before the lock is still active');
    assert.equal((await app.invoke('ui:killswitch.disengage', {})).result.engaged, false);
    await app.until((s) => !/tray-locked/.test(s.tray?.image ?? ''), 'the tray unlocked');
  });

  test("the tray menu's killswitch locks the daemon: the next CLI lease exits 5", async () => {
    await app.click('killswitch');
    await app.until((s) => /tray-locked/.test(s.tray?.image ?? ''), 'the locked tray icon');
    const lease = await store.cli(['lease', 'token', '--client-id', 'newcomer']);
    assert.equal(lease.code, 5, lease.stderr);
    assert.ok((await app.state()).notifications.includes('Killswitch engaged'));
  });
});

describe('the tray app opening the store', () => {
  test('no kept passphrase: nothing is served until the person types it; a wrong one changes nothing; kept only when asked', async () => {
    const store = new TestStore({ autoApprove: false });
    await store.init();
    const app = launch(store);
    try {
      const state = await app.until((s) => s.tray !== null && s.windows.length > 0, 'the tray and the dashboard');
      assert.match(state.tray!.image, /tray-locked/, 'nothing served yet');
      assert.equal(state.windows[0]!.loads[0]!.page, 'index.html', 'the dashboard opens on what to do');
      assert.equal((await app.invoke('ui:app.state', {})).result.phase, 'unlock');
      assert.equal((await store.cli(['status'])).code, 69, 'no daemon until unlocked');
      assert.equal((await app.invoke('ui:status', {})).error.code, 'DAEMON_NOT_RUNNING');

      assert.equal((await app.invoke('ui:app.unlock', { passphrase: 'not it', remember: true })).error.code, 'PASSPHRASE_INCORRECT');
      assert.equal(existsSync(join(store.home, 'passphrase.safe')), false, 'a wrong passphrase is never kept');
      const unlocked = await app.invoke('ui:app.unlock', { passphrase: PASSPHRASE, remember: true });
      assert.equal(unlocked.result.phase, 'running', JSON.stringify(unlocked.error));
      assert.equal((await store.cli(['status', '--json'])).json.data.pid, app.child.pid);
      const kept = readFileSync(join(store.home, 'passphrase.safe'), 'utf8');
      assert.equal(kept, SEALED_PASSPHRASE, "kept as the keychain's ciphertext");
      assert.ok(!kept.includes(PASSPHRASE), 'never in plaintext');
      await app.until((s) => !/tray-locked/.test(s.tray?.image ?? ''), 'the tray to show the daemon serving');
    } finally {
      app.child.kill('SIGKILL');
      await store.cleanup();
    }
  });

  test('a headless daemon already serving: the app asks, and takes over only when told to', async () => {
    const store = new TestStore({ autoApprove: false });
    await store.init();
    writeFileSync(join(store.home, 'passphrase.safe'), SEALED_PASSPHRASE, { mode: 0o600 });
    const headless = await store.start();
    const app = launch(store);
    try {
      await app.until((s) => s.windows.length > 0, 'the dashboard');
      const asked = (await app.invoke('ui:app.state', {})).result;
      assert.equal(asked.phase, 'take-over-headless');
      assert.match(asked.note, /already running/);
      assert.equal((await store.cli(['status', '--json'])).json.data.pid, headless.child.pid, 'never displaced without being asked');
      const taken = await app.invoke('ui:app.takeOver', {});
      assert.equal(taken.error, undefined, JSON.stringify(taken.error));
      assert.equal(taken.result.phase, 'running');
      assert.equal(await headless.stop(), 0, 'the headless daemon stopped cleanly');
      assert.equal((await store.cli(['status', '--json'])).json.data.pid, app.child.pid, 'the app serves the same socket now');
    } finally {
      app.child.kill('SIGKILL');
      await store.cleanup();
    }
  });

  test('the first run creates the store with the passphrase the person chose', async () => {
    const store = new TestStore({ autoApprove: false });
    const app = launch(store);
    try {
      await app.until((s) => s.windows.length > 0, 'the dashboard');
      const first = (await app.invoke('ui:app.state', {})).result;
      assert.equal(first.phase, 'create-store');
      assert.deepEqual(first.offers, ['install-cli', 'start-at-login']);
      assert.equal((await app.invoke('ui:app.createStore', { passphrase: 'short', remember: false })).error.code, 'INVALID_VALUE');
      const created = await app.invoke('ui:app.createStore', { passphrase: PASSPHRASE, remember: false });
      assert.equal(created.result.phase, 'running', JSON.stringify(created.error));
      assert.ok(existsSync(join(store.home, 'identity.age')));
      assert.equal(existsSync(join(store.home, 'passphrase.safe')), false, 'not kept: the person did not ask');
      assert.equal((await store.admin(['add', 'first'], { input: 'v' })).code, 0, 'the passphrase the person chose opens it');
    } finally {
      app.child.kill('SIGKILL');
      await store.cleanup();
    }
  });
});
