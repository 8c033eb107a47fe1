/**
 * The window end to end: the built renderer in Debian's Chromium (test/helpers/browser-app.ts), the
 * built tray app with its daemon (test/helpers/tray-app.ts), the real CLI as agents run it. Each test
 * is what a person does in the window and what an agent sees in its terminal as a result. Screenshots
 * of every view, light and dark, go to test-artifacts/screenshots (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { approvalWindowOptions } from '../../electron/main/window-policy.js';
import { fillAudit } from '../helpers/audit-fill.js';
import { AppWindows, launchChromium } from '../helpers/browser-app.js';
import { PASSPHRASE, REPO, TestStore } from '../helpers/store.js';
import { type RunningApp, launchTrayApp } from '../helpers/tray-app.js';

const SHOTS = join(REPO, 'test-artifacts', 'screenshots');
const VALUE = 'e2e-token-value-8f3a';
const AUDIT_ENTRIES = 100_000;
/** The approval window as the person gets it: its real, fixed size (useContentSize: the page's size). */
const { width: APPROVAL_WIDTH, height: APPROVAL_HEIGHT } = approvalWindowOptions('/unused');
const APPROVAL_VIEWPORT = { width: APPROVAL_WIDTH!, height: APPROVAL_HEIGHT! };

/** The passphrase as the app keeps it: sealed by the (fake) OS keychain, so the app opens the store. */
function keepPassphrase(store: TestStore): void {
  writeFileSync(join(store.home, 'passphrase.safe'), 'fake-keychain:' + Buffer.from(PASSPHRASE).toString('base64'), { mode: 0o600 });
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

/** Waits until `check` holds (the page changes on its own time: events, countdowns, the focus delay). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Asserts the person sees each of `facts` and `answer` whole without scrolling: inside the viewport,
 * and each fact above the decision block pinned to the bottom edge (not hidden underneath it).
 */
async function assertSeenWithoutScrolling(page: Page, facts: Record<string, Locator>, answer: Record<string, Locator>): Promise<void> {
  const viewport = page.viewportSize()!;
  assert.equal(await page.evaluate('window.scrollY'), 0, 'the window is not scrolled');
  const decision = await page.locator('.decision').boundingBox();
  assert.ok(decision !== null, 'the decision block is shown');
  for (const [name, locator] of Object.entries({ ...facts, ...answer })) {
    const box = await locator.boundingBox();
    assert.ok(box !== null, `${name} is shown`);
    const inside = box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width + 0.5 && box.y + box.height <= viewport.height + 0.5;
    assert.ok(inside, `${name} (${JSON.stringify(box)}) is inside the ${viewport.width}×${viewport.height} window`);
    if (name in facts) assert.ok(box.y + box.height <= decision.y + 0.5, `${name} ends (${box.y + box.height}) above the decision block (${decision.y})`);
  }
}

/** A datetime-local field's value (local time, to the minute) for an ISO time. */
function localMinute(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** The lease row of `client`'s one lease of `token`: the row holding its Revoke button. */
function leaseRow(page: Page, client: string) {
  return page.getByRole('row').filter({ has: page.getByRole('button', { name: `Revoke token lease of ${client}` }) });
}

async function countdownOf(page: Page, client: string): Promise<string> {
  // The row's times: when it was granted, then the countdown to its expiry.
  return leaseRow(page, client).locator('time').last().innerText();
}

describe('the window, end to end', () => {
  let store: TestStore;
  let app: RunningApp;
  let browser: Browser;
  let windows: AppWindows;
  let dashboard: Page;
  /** The lease the first test takes and the second revokes in the window. */
  let leaseId: string;

  before(async () => {
    store = new TestStore({ autoApprove: false });
    await store.init();
    // The entry the audit test must find, under 100,000 newer ones, as if the store had been used for months.
    await fillAudit({
      home: store.home,
      passphrase: PASSPHRASE,
      entries: AUDIT_ENTRIES,
      first: [{ action: 'lease.granted', client_id: 'needle-agent', secret_name: 'NEEDLE_SECRET', lease_id: 'L-needle000001', detail: { ttl: '1h' } }],
    });
    keepPassphrase(store);
    app = launchTrayApp(store);
    await app.until((s) => s.tray !== null, 'the tray', 60_000);
    assert.equal((await store.admin(['add', 'token'], { input: VALUE })).code, 0);
    assert.equal((await store.admin(['clients', 'allow', 'e2e-agent', '--for', '1h'])).code, 0);
    browser = await launchChromium();
    windows = new AppWindows(app, browser);
    dashboard = await windows.open('index.html');
    await dashboard.getByRole('tab', { name: 'Leases' }).waitFor();
  });

  after(async () => {
    await windows?.close();
    await browser?.close();
    await app?.stop();
    await store?.cleanup();
  });

  test('a lease the CLI takes appears in the table at once and counts down', async () => {
    const lease = await store.cli(['lease', 'token', '--client-id', 'e2e-agent', '--ttl', '10m', '--json']);
    assert.equal(lease.code, 0, lease.stderr);
    leaseId = lease.json.data.lease_id;
    const row = leaseRow(dashboard, 'e2e-agent');
    await row.waitFor({ timeout: 5000 });
    assert.match(await row.innerText(), /token/);
    const first = await countdownOf(dashboard, 'e2e-agent');
    assert.match(first, /^(10m 00s|9m 5\ds)$/);
    await until(async () => (await countdownOf(dashboard, 'e2e-agent')) !== first, 'the countdown to tick', 3000);
  });

  test('revoking the lease in the window: the CLI sees it revoked', async () => {
    await dashboard.getByRole('button', { name: 'Revoke token lease of e2e-agent' }).click();
    await dashboard.getByText('No active leases').waitFor();
    const renew = await store.cli(['renew', leaseId, '--json']);
    assert.equal(renew.code, 6, renew.stdout + renew.stderr);
    assert.equal(renew.json.error.code, 'LEASE_REVOKED');
  });

  test('a new client: the approval window opens, Allow enables after a second of focus, the CLI prints the value', async () => {
    const shown = windows.approvalsShown.length;
    const pending = store.cli(['lease', 'token', '--client-id', 'newcomer'], { timeoutMs: 60_000 });
    const requestId = await windows.nextApproval(shown);
    assert.match(requestId, /^R-/);
    const approval = await windows.open('approval.html', { hash: requestId, viewport: APPROVAL_VIEWPORT });
    await approval.bringToFront();
    const allow = approval.getByRole('button', { name: 'Allow once' });
    await allow.waitFor();
    assert.equal(await allow.isDisabled(), true, 'Allow is disabled until the window has had focus for a second');
    await approval.getByRole('heading', { name: /newcomer wants token/ }).waitFor();
    await shoot(approval, 'approval-light');
    await assertSeenWithoutScrolling(
      approval,
      {
        'the verified facts': approval.getByRole('region', { name: 'Verified by the daemon' }),
        'the claimed facts': approval.getByRole('region', { name: /Claimed by the client/ }),
        'the secret': approval.getByText('token', { exact: true }),
      },
      { 'the countdown': approval.getByText(/^Denied automatically in/), 'Deny': approval.getByRole('button', { name: 'Deny' }), 'Allow once': allow },
    );
    assert.equal(await approval.evaluate('document.activeElement.textContent'), 'Deny', 'Deny has the focus');
    await until(() => allow.isEnabled(), 'Allow to enable', 5000);
    // The standing-grant choices unfold in the decision block; Deny and Allow once stay in view.
    await approval.getByRole('button', { name: 'Allow for a while…' }).click();
    await approval.getByRole('radio', { name: 'Until revoked' }).waitFor();
    await shoot(approval, 'approval-expanded-light');
    await assertSeenWithoutScrolling(approval, {}, { 'Deny': approval.getByRole('button', { name: 'Deny' }), 'Allow once': allow, 'Allow for 10 min': approval.getByRole('button', { name: 'Allow for 10 min' }) });
    await allow.click();
    const result = await pending;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, VALUE);
    await approval.getByText(/Allowed once/).waitFor();
  });

  test('Enter on a fresh approval window denies: the CLI exits 4', async () => {
    const shown = windows.approvalsShown.length;
    const pending = store.cli(['lease', 'token', '--client-id', 'intruder'], { timeoutMs: 60_000 });
    const requestId = await windows.nextApproval(shown);
    const approval = await windows.open('approval.html', { hash: requestId, colorScheme: 'dark', viewport: APPROVAL_VIEWPORT });
    await approval.getByRole('heading', { name: /intruder wants token/ }).waitFor();
    await shoot(approval, 'approval-dark');
    await approval.keyboard.press('Enter');
    const result = await pending;
    assert.equal(result.code, 4, result.stdout + result.stderr);
    assert.doesNotMatch(result.stdout + result.stderr, new RegExp(VALUE));
    await approval.getByText(/^Denied/).waitFor();
  });

  test('an admin command from a terminal: the exact command and Deny in view; Escape refuses it', async () => {
    const shown = windows.approvalsShown.length;
    const removal = store.cli(['rm', 'token'], { timeoutMs: 60_000 });
    const confirmationId = await windows.nextApproval(shown);
    assert.match(confirmationId, /^C-/);
    const approval = await windows.open('approval.html', { hash: confirmationId, viewport: APPROVAL_VIEWPORT });
    await approval.getByRole('heading', { name: /A terminal wants to run secrets.remove/ }).waitFor();
    await shoot(approval, 'confirmation-light');
    await assertSeenWithoutScrolling(
      approval,
      { 'the exact command': approval.locator('code', { hasText: 'secrets.remove {"name":"token"}' }) },
      { 'the countdown': approval.getByText(/^Denied automatically in/), 'Deny': approval.getByRole('button', { name: 'Deny' }) },
    );
    await approval.keyboard.press('Escape');
    const refused = await removal;
    assert.equal(refused.code, 4, refused.stdout + refused.stderr);
    assert.equal((await store.cli(['list', '--json'])).json.data.secrets.length, 1, 'refused: the secret is still there');
  });

  test('the audit filters find one entry among 100,000 (client, text search, action and time range), it opens whole, the export saves it; the chain verifies', async () => {
    await dashboard.getByRole('tab', { name: 'Audit' }).click();
    const table = dashboard.getByRole('table', { name: /audit/i });
    await table.getByRole('row').nth(5).waitFor();
    const rows = table.getByRole('row', { name: /needle-agent/ });
    const clear = () => dashboard.getByRole('button', { name: 'Clear filters' }).click();
    assert.equal(await rows.count(), 0, 'the oldest entry is not among the first page of the newest');

    // By client.
    await dashboard.getByLabel('Client', { exact: true }).fill('needle-agent');
    await until(async () => (await table.getByRole('row').count()) === 2 && (await rows.count()) === 1, 'the header row and the one entry', 10_000);
    assert.match(await rows.first().innerText(), /NEEDLE_SECRET/);
    const at = (await rows.first().locator('time').getAttribute('datetime'))!;
    // The row opens whole below the table; the export saves what the filters show, as a file.
    await rows.first().click();
    const entry = dashboard.getByRole('region', { name: /^Entry #\d+$/ });
    await entry.getByText('L-needle000001', { exact: true }).waitFor();
    await shoot(dashboard, 'dashboard-audit-entry-light');
    const download = dashboard.waitForEvent('download');
    await dashboard.getByRole('button', { name: 'Export JSONL' }).click();
    const saved = await download;
    assert.match(saved.suggestedFilename(), /^agent-secrets-audit-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const exported = readFileSync(await saved.path(), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { client_id: string; secret_name: string; lease_id: string });
    assert.deepEqual(exported.map((e) => [e.client_id, e.secret_name, e.lease_id]), [['needle-agent', 'NEEDLE_SECRET', 'L-needle000001']]);
    await entry.getByRole('button', { name: 'Close' }).click();
    await clear();
    await until(async () => (await rows.count()) === 0, 'the newest entries again');

    // By text search: its lease id appears nowhere else.
    await dashboard.getByLabel('Search', { exact: true }).fill('L-needle000001');
    await until(async () => (await table.getByRole('row').count()) === 2 && (await rows.count()) === 1, 'the one entry holding the text', 20_000);
    await clear();
    await until(async () => (await rows.count()) === 0, 'the newest entries again');

    // By action and time range: lease.granted in the minute it was written (a few others share it).
    await dashboard.getByRole('combobox', { name: /^Action/ }).selectOption('lease.granted');
    await dashboard.getByLabel('From', { exact: true }).fill(localMinute(at));
    await dashboard.getByLabel('To', { exact: true }).fill(localMinute(at));
    const bodyRows = table.getByRole('row').filter({ has: dashboard.locator('time') });
    /** Every row shown is a lease.granted written in the UTC minute `minute` starts with. */
    const inRange = async (minute: string) => {
      const texts = await bodyRows.allInnerTexts();
      return texts.length > 0 && texts.every((text) => /lease\.granted/.test(text)) && (await bodyRows.locator('time').evaluateAll((times, m) => times.every((t) => (t.getAttribute('datetime') ?? '').slice(0, 16) === m), minute.slice(0, 16)));
    };
    /** Newest first: the oldest entries are the last rows. Scrolls the table (its own scroller) to its end. */
    const scrollToEnd = async () => {
      await table.focus();
      await dashboard.keyboard.press('End');
      await until(() => table.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1), 'the table scrolled to its end');
      await dashboard.waitForTimeout(200);
    };
    await until(() => inRange(at), 'only lease.granted entries of that minute', 20_000);
    await scrollToEnd();
    await until(async () => (await rows.count()) === 1, 'the entry at the end of the filtered list', 10_000);
    assert.ok(await inRange(at), 'every entry shown is a lease.granted of that minute');
    // The range's start counts too: from the next minute on, the entry is gone.
    const next = new Date(Date.parse(at) + 60_000).toISOString();
    await dashboard.getByLabel('To', { exact: true }).fill(localMinute(next));
    await dashboard.getByLabel('From', { exact: true }).fill(localMinute(next));
    await until(() => inRange(next), 'only lease.granted entries of the next minute', 20_000);
    await scrollToEnd();
    assert.ok(await inRange(next), 'down to the last row, every entry is of the next minute');
    assert.equal(await rows.count(), 0, 'the entry is before the range');
    await clear();

    await dashboard.getByRole('button', { name: /Verify chain/ }).click();
    await dashboard.getByText(/Chain intact: [\d,]+ entries checked/).waitFor({ timeout: 30_000 });
  });

  test('the killswitch button locks the daemon at once: the next CLI lease exits 5', async () => {
    await dashboard.getByRole('button', { name: 'KILLSWITCH' }).click();
    await dashboard.getByText(/Killswitch engaged/).first().waitFor();
    const refused = await store.cli(['lease', 'token', '--client-id', 'e2e-agent', '--json']);
    assert.equal(refused.code, 5, refused.stdout + refused.stderr);
    await shoot(dashboard, 'dashboard-engaged-light');
    // Disengaging takes a second, explicit step (the window is the person, so no passphrase).
    await dashboard.getByRole('button', { name: 'Disengage…' }).click();
    await dashboard.getByRole('button', { name: 'Disengage', exact: true }).click();
    await dashboard.getByRole('button', { name: 'KILLSWITCH' }).waitFor();
    const again = await store.cli(['lease', 'token', '--client-id', 'e2e-agent', '--json']);
    assert.equal(again.code, 0, again.stderr);
  });

  test('every view, light and dark, under the CSP with no page errors', async () => {
    // Something in each view: a lease (from the test above), a waiting request, a grant, a secret.
    const shown = windows.approvalsShown.length;
    const waiting = store.cli(['lease', 'token', '--client-id', 'reviewer-bot', '--ttl', '30m'], { timeoutMs: 60_000 });
    await windows.nextApproval(shown);
    for (const scheme of ['light', 'dark'] as const) {
      await dashboard.emulateMedia({ colorScheme: scheme });
      for (const [tab, name] of [['leases', 'Leases'], ['approvals', 'Approvals & clients'], ['secrets', 'Secrets'], ['audit', 'Audit'], ['settings', 'Settings']]) {
        await dashboard.getByRole('tab', { name }).click();
        await until(async () => (await dashboard.getByRole('tabpanel').getByText(/^Loading/).count()) === 0, `${name} loaded`);
        await shoot(dashboard, `dashboard-${tab}-${scheme}`);
      }
      // The bottom of Settings: the killswitch explained, start at login as it is now.
      await dashboard.getByRole('checkbox', { name: 'Start Agent Secrets when I log in' }).scrollIntoViewIfNeeded();
      await until(() => dashboard.getByRole('checkbox', { name: 'Start Agent Secrets when I log in' }).isEnabled(), 'start at login read');
      await shoot(dashboard, `dashboard-settings-bottom-${scheme}`);
    }
    assert.deepEqual(windows.pageErrors, [], 'no CSP violation, no uncaught error, no console error');
    await dashboard.emulateMedia({ colorScheme: 'light' });
    // A secret's name is its row's header: it reads as the name (the cells' size and colour, scrolling
    // with its row), not as a small grey column header stuck to the top.
    await dashboard.getByRole('tab', { name: 'Secrets' }).click();
    type Look = { position: string; fontSize: string; color: string };
    const look = (cell: Locator): Promise<Look> =>
      cell.evaluate((element) => {
        const style = element.ownerDocument.defaultView!.getComputedStyle(element);
        return { position: style.position, fontSize: style.fontSize, color: style.color };
      });
    const secretsTable = dashboard.getByRole('table');
    const name = await look(secretsTable.getByRole('rowheader', { name: 'token' }));
    const cell = await look(secretsTable.getByRole('row', { name: /token/ }).getByRole('cell').first());
    assert.equal(name.position, 'static', 'the name scrolls with its row');
    assert.equal(name.color, cell.color, 'in the text colour, not the muted one');
    // .mono is 0.92em everywhere; the column headers are 0.85em of that.
    assert.ok(parseFloat(name.fontSize) >= 0.92 * parseFloat(cell.fontSize) - 0.01, `at the text size of a name (${name.fontSize} beside ${cell.fontSize})`);
    assert.equal((await look(secretsTable.getByRole('columnheader', { name: 'Name' }))).position, 'sticky', 'the column headers still stay in view');
    await dashboard.getByRole('tab', { name: 'Approvals & clients' }).click();
    const card = dashboard.getByRole('article', { name: 'reviewer-bot wants token' });
    await card.waitFor({ timeout: 3000 }).catch(async (e) => {
      console.log(JSON.stringify(await waiting), (await store.cli(['audit', '--json'])).stdout.slice(-3000));
      throw e;
    });
    await card.getByRole('button', { name: 'Deny' }).click();
    assert.equal((await waiting).code, 4);
  });
});

describe('the window before the store is open', () => {
  test('first run: no store yet, the window creates it and the daemon serves', async () => {
    const store = new TestStore({ autoApprove: false });
    const app = launchTrayApp(store);
    const browser = await launchChromium();
    const windows = new AppWindows(app, browser);
    try {
      await app.until((s) => s.tray !== null, 'the tray', 60_000);
      // Dark first: the light page then goes on to create the store.
      for (const scheme of ['dark', 'light'] as const) {
        const page = await windows.open('index.html', { colorScheme: scheme });
        await page.getByLabel('Passphrase', { exact: true }).waitFor();
        await shoot(page, `first-run-${scheme}`);
        if (scheme === 'dark') await page.context().close();
        else {
          await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery staple');
          await page.getByLabel(/Repeat/).fill('correct horse battery staple');
          await page.getByRole('button', { name: /Create/ }).click();
          // The first run offers the command-line tool and start at login before the dashboard.
          await page.getByRole('heading', { name: /command-line tool/i }).waitFor();
          await page.getByRole('button', { name: 'Continue' }).click();
          await page.getByRole('tab', { name: 'Leases' }).waitFor({ timeout: 30_000 });
        }
      }
      const status = await store.cli(['status', '--json']);
      assert.equal(status.code, 0, status.stderr);
      assert.equal(status.json.data.pid, app.child.pid);
      assert.deepEqual(windows.pageErrors, []);
    } finally {
      await windows.close();
      await browser.close();
      await app.stop();
      await store.cleanup();
    }
  });
});
