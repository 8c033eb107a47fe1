/**
 * §8 rows 7–8: the window in Debian's Chromium, against the built tray app (its daemon in the app's
 * process, the pages served by its app:// handler, the preload's bridge over its IPC handlers; see
 * test/helpers/browser-app.ts). Measures, from navigation start, when the dashboard shows 1,000 active
 * leases and when the audit timeline shows its first rows over 100,000 entries; the longest frame
 * while scrolling the timeline; and what changes in the page while the countdowns tick.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fillAudit } from '../test/helpers/audit-fill.js';
import { AppWindows, launchChromium } from '../test/helpers/browser-app.js';
import { launchTrayApp } from '../test/helpers/tray-app.js';
import { PASSPHRASE, REPO, withStore } from './harness.js';
import type { SectionResult } from './report.js';
import { callAll } from './rpc.js';
import { fmtInt, fmtMs, median } from './stats.js';

export interface UiOptions {
  leases: number;
  auditEntries: number;
  runs: number;
  scrollMs: number;
  progress?: (message: string) => void;
}

/** A lease row is a body row with a countdown; an audit row, a row of the timeline's table. */
const LEASE_ROWS = '[role=tabpanel] tbody tr:has(time)';
/**
 * The lease table is virtualised: only the rows in view are ever in the DOM. The dashboard has
 * rendered when its first rows are there and its toolbar counts every lease (the same commit).
 */
const LEASE_ROWS_IN_VIEW = 10;
const leaseCountTexts = (n: number) => [`${n} active leases`, `${fmtInt(n)} active leases`];
const AUDIT_ROWS = '[role=tabpanel] [role=table] [role=row]';

/** Records, from navigation start, when `selector` first matches at least `count` elements (and, if given, the page shows one of `texts`). */
const MARK_SCRIPT = `
  window.__firstRender = null;
  new MutationObserver((_, observer) => {
    const want = window.__want;
    if (want && document.querySelectorAll(want.selector).length >= want.count && (!want.texts || want.texts.some((t) => document.body.textContent.includes(t)))) {
      window.__firstRender = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
  // When each call to the app went out and when its answer came back, to split the time.
  window.__calls = [];
  const invoke = window.__agentSecretsInvoke;
  window.__agentSecretsInvoke = async (channel, params) => {
    const sent = performance.now();
    const reply = await invoke(channel, params);
    window.__calls.push({ channel, sent, answered: performance.now() });
    return reply;
  };
`;

/** A first render split in three: the page loading, waiting for the data it shows, rendering it. */
interface Render {
  at: number;
  /** Navigation start to the page's first call to the app (its scripts loaded and running). */
  loading: number;
  /** The first call to the answer of `dataChannel` (the app's work plus this harness's transport). */
  waiting: number;
  /** That answer to the rows on screen: the window's own rendering. */
  rendering: number;
}

/**
 * Waits until `expression` is true in the page. Polled from here: Playwright's waitForFunction with a
 * string evaluates it with `eval` inside the page, which the app's CSP (rightly) refuses.
 */
async function waitInPage(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function firstRender(windows: AppWindows, hash: string, dataChannel: string, selector: string, count: number, texts?: string[]): Promise<Render> {
  const page = await windows.open('index.html', { hash, beforeLoad: `window.__want = ${JSON.stringify({ selector, count, texts })};${MARK_SCRIPT}` });
  await waitInPage(page, 'window.__firstRender !== null');
  const at = (await page.evaluate('window.__firstRender')) as number;
  const calls = (await page.evaluate('window.__calls')) as { channel: string; sent: number; answered: number }[];
  await page.context().close();
  const firstCall = Math.min(...calls.map((c) => c.sent));
  const data = calls.find((c) => c.channel === dataChannel);
  if (data === undefined) throw new Error(`${hash}: the page never called ${dataChannel}`);
  return { at, loading: firstCall, waiting: data.answered - firstCall, rendering: at - data.answered };
}

const medianOf = (renders: Render[], part: keyof Render) => median(renders.map((r) => r[part]));
function splitRow(renders: Render[], what: string) {
  return {
    metric: `  ${what}: loading / waiting for the data / rendering (medians)`,
    measured: `${fmtMs(medianOf(renders, 'loading'))} / ${fmtMs(medianOf(renders, 'waiting'))} / ${fmtMs(medianOf(renders, 'rendering'))}`,
  };
}

// The measurements that run in the page are plain JavaScript source: this file runs under tsx, whose
// transform wraps named functions in a helper (`__name`) the page does not have.

/**
 * Scrolls the timeline's scroller steadily for `duration` ms; resolves with every frame's duration.
 * The timeline shows a small first page and loads the next ones right after, so the scroller is
 * waited for (up to 10 s) rather than expected with the first rows.
 */
const SCROLL_FRAMES = `async (duration) => {
  const longScroller = () => [...document.querySelectorAll('[role=tabpanel] *')].find((el) => el.scrollHeight > el.clientHeight + 10000);
  const waitUntil = performance.now() + 10000;
  while (longScroller() === undefined && performance.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 20));
  const scroller = longScroller();
  if (scroller === undefined) throw new Error('no long scroller in the audit tab');
  const frames = [];
  const start = performance.now();
  let last = start;
  await new Promise((resolve) => {
    const step = (now) => {
      frames.push(now - last);
      last = now;
      scroller.scrollTop += 900; // about 30 rows a frame: a fast flick, continuously
      if (now - start < duration) requestAnimationFrame(step);
      else resolve();
    };
    requestAnimationFrame(step);
  });
  return frames.slice(1);
}`;

/** Counts DOM changes inside and outside <time> elements for `duration` ms (a re-rendered row shows outside). */
const MUTATIONS_WHILE_TICKING = `async (duration) => {
  let inside = 0;
  let outside = 0;
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      // A text change's target is the text node: judge by the element holding it.
      const element = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (element !== null && element.closest('time') !== null) inside++;
      else outside++;
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  await new Promise((resolve) => setTimeout(resolve, duration));
  observer.disconnect();
  return { inside, outside };
}`;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/**
 * The floor under every first render here: the dashboard's files from a plain static server (no app,
 * no relay, no bridge, nothing called), navigation start to DOMContentLoaded — fetching, compiling and
 * running its scripts in a fresh renderer. The page then stops at the missing bridge, which is fine.
 */
async function loadingFloor(browser: Browser, runs: number): Promise<number[]> {
  const root = join(REPO, 'dist', 'renderer');
  const server = createServer((request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    try {
      response.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(join(root, path)));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const times: number[] = [];
    // One unmeasured load first, as for the app's pages.
    for (let i = 0; i <= runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html#leases`, { waitUntil: 'domcontentloaded' });
      const dcl = (await page.evaluate(`performance.getEntriesByType('navigation')[0].domContentLoadedEventStart`)) as number;
      if (i > 0) times.push(dcl);
      await context.close();
    }
    return times;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

async function scrollFrames(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(`(${SCROLL_FRAMES})(${ms})`) as Promise<number[]>;
}

async function mutationsOutsideCountdowns(page: Page, ms: number): Promise<{ inside: number; outside: number }> {
  return page.evaluate(`(${MUTATIONS_WHILE_TICKING})(${ms})`) as Promise<{ inside: number; outside: number }>;
}

export async function benchUi(options: UiOptions): Promise<SectionResult> {
  return withStore('ui', async (store) => {
    options.progress?.(`ui: filling ${fmtInt(options.auditEntries)} audit entries`);
    await fillAudit({ home: store.home, passphrase: PASSPHRASE, entries: options.auditEntries });
    // The app unlocks with the passphrase its (fake) keychain kept, as at a login.
    writeFileSync(join(store.home, 'passphrase.safe'), 'fake-keychain:' + Buffer.from(PASSPHRASE).toString('base64'), { mode: 0o600 });
    const app = launchTrayApp(store);
    const browser = await launchChromium();
    const windows = new AppWindows(app, browser);
    try {
      await app.until((s) => s.tray !== null, 'the tray app', 60_000);
      await store.addSecret('UI_TOKEN', 'ui-benchmark-value');
      await callAll(store.socket, Array.from({ length: options.leases }, (_, i) => ({ method: 'lease.grant', params: { secret_name: 'UI_TOKEN', client_id: `bench-client-${i % 64}`, ttl: '30m' } })));
      options.progress?.(`ui: ${fmtInt(options.leases)} leases granted; measuring in Chromium`);

      const dashboardRenders: Render[] = [];
      const timelineRenders: Render[] = [];
      const dashboardRender = () => firstRender(windows, '#leases', 'ui:lease.list', LEASE_ROWS, LEASE_ROWS_IN_VIEW, leaseCountTexts(options.leases));
      const timelineRender = () => firstRender(windows, '#audit', 'ui:audit.query', AUDIT_ROWS, 10);
      // One unmeasured load of each first: Chromium's own caches warm up, as after the app's first window.
      await dashboardRender();
      await timelineRender();
      for (let i = 0; i < options.runs; i++) {
        dashboardRenders.push(await dashboardRender());
        timelineRenders.push(await timelineRender());
      }
      const floor = await loadingFloor(browser, options.runs);
      const dashboard = dashboardRenders.map((r) => r.at);
      const timeline = timelineRenders.map((r) => r.at);

      const leasesPage = await windows.open('index.html', { hash: '#leases' });
      await waitInPage(leasesPage, `document.querySelectorAll('${LEASE_ROWS}').length >= ${LEASE_ROWS_IN_VIEW}`);
      const ticking = await mutationsOutsideCountdowns(leasesPage, 3000);
      const leaseRowsInDom = (await leasesPage.evaluate(`document.querySelectorAll('${LEASE_ROWS}').length`)) as number;

      const auditPage = await windows.open('index.html', { hash: '#audit' });
      await waitInPage(auditPage, `document.querySelectorAll('${AUDIT_ROWS}').length >= 10`);
      const frames = await scrollFrames(auditPage, options.scrollMs);
      const sorted = [...frames].sort((a, b) => a - b);
      const longest = sorted.at(-1) ?? NaN;
      const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? NaN;
      if (windows.pageErrors.length > 0) throw new Error(`the pages reported errors: ${windows.pageErrors.join('; ')}`);

      return {
        rows: [
          { metric: `dashboard first render, ${fmtInt(options.leases)} active leases (count + rows in view)`, measured: `${fmtMs(median(dashboard))} (max ${fmtMs(Math.max(...dashboard))})`, target: { value: 300, direction: 'max', label: '≤ 300 ms' }, value: median(dashboard) },
          splitRow(dashboardRenders, 'dashboard'),
          { metric: '  floor: the same scripts from a static server, no app (navigation → DOMContentLoaded)', measured: `${fmtMs(median(floor))} (max ${fmtMs(Math.max(...floor))})` },
          {
            metric: '  countdowns ticking: DOM changes outside countdowns in 3 s',
            measured: `${fmtInt(ticking.outside)} (inside countdowns: ${fmtInt(ticking.inside)}; ${fmtInt(leaseRowsInDom)} lease rows in the DOM)`,
            target: { value: 0, direction: 'max', label: '0' },
            value: ticking.outside,
          },
          { metric: `audit timeline first render, ${fmtInt(options.auditEntries)} entries`, measured: `${fmtMs(median(timeline))} (max ${fmtMs(Math.max(...timeline))})`, target: { value: 300, direction: 'max', label: '≤ 300 ms' }, value: median(timeline) },
          splitRow(timelineRenders, 'audit timeline'),
          { metric: `audit timeline scrolling ${fmtMs(options.scrollMs)}: longest frame`, measured: `${fmtMs(longest)} (p99 ${fmtMs(p99)}, ${fmtInt(frames.length)} frames)`, target: { value: 50, direction: 'max', label: '≤ 50 ms' }, value: longest },
        ],
        notes: [
          `ui: built renderer in ${'Debian Chromium'} (headless), the tray app's daemon and pages through its app:// handler; first render = navigation start to the rows in the DOM, median of ${options.runs} after one warm-up ` +
            `(the lease table is virtualised: the dashboard counts as rendered when the toolbar counts all ${fmtInt(options.leases)} leases and ≥ ${LEASE_ROWS_IN_VIEW} lease rows are in the DOM); ` +
            `scrolling moves the timeline 900 px a frame (about 30 rows), pages loading as it goes. ` +
            `Each first render is split in three: loading (navigation start to the page's first call to the app: its scripts fetched from the app's handler through a loopback HTTP relay, compiled and run), ` +
            `waiting (that first call to the answer the view shows: the daemon's work, plus this harness's transport — a Playwright binding carrying JSON text and a child process's IPC, where Electron has one in-process IPC hop), ` +
            `and rendering (the answer to the rows on screen: the window's own work).`,
        ],
      };
    } finally {
      await windows.close();
      await browser.close();
      await app.stop();
    }
  });
}
