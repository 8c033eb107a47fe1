/**
 * The tray app's windows in a real browser: the built renderer (dist/renderer) in Debian's Chromium,
 * driven by playwright-core. Pages are served by the app's own app:// handler (with its CSP), relayed
 * by a loopback HTTP server (Chromium's own network stack, as Electron reads the app's files itself;
 * intercepting each request through Playwright cost ~200 ms a page); `window.agentSecrets` is the preload's
 * bridge-api.ts over a binding that calls the app's IPC handlers as that page; the app's broadcasts
 * reach the pages as they would through the preload. Nothing is downloaded: the browser is the
 * system's.
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { UI_EVENT_CHANNEL } from '../../shared/ui-service.js';
import { REPO } from './store.js';
import type { Fetched, Push, RunningApp } from './tray-app.js';

export const CHROMIUM = '/usr/bin/chromium';
// The omnibox features: headless Chromium 156 builds its address bar's popup as a WebUI page (~140
// chrome:// modules) for every new window, on the same two cores as the page measured; the app's
// windows (Electron) have no address bar.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup',
];
const APP_ORIGIN = 'app://bundle';

export type PageName = 'index.html' | 'approval.html';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

let bridgeScript: Promise<string> | null = null;
/** The page side of the bridge, bundled once per process. */
function pageBridge(): Promise<string> {
  bridgeScript ??= build({ entryPoints: [join(REPO, 'test', 'helpers', 'page-bridge.ts')], bundle: true, format: 'iife', write: false, target: 'chrome120', logLevel: 'warning' }).then(
    (result) => result.outputFiles[0]!.text,
  );
  return bridgeScript;
}

export interface WindowOptions {
  hash?: string;
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** A script to run in the page before its own (the benchmark's render marks). */
  beforeLoad?: string;
}

/** The app's windows as browser pages, each in its own context (like separate BrowserWindows). */
export class AppWindows {
  private readonly pages = new Set<Page>();
  private readonly contexts = new Set<BrowserContext>();
  private readonly unsubscribe: () => void;
  private readonly files = new Map<string, Promise<Fetched>>();
  /** Approval prompts the app opened a window for, in order (request or confirmation ids). */
  readonly approvalsShown: string[] = [];
  /** Console errors and page errors: a test asserts there are none (a CSP violation shows here). */
  readonly pageErrors: string[] = [];

  constructor(
    private readonly app: RunningApp,
    private readonly browser: Browser,
  ) {
    this.unsubscribe = app.onPush((push) => this.onPush(push));
  }

  private onPush(push: Push): void {
    if (push.push === 'send' && push.channel === UI_EVENT_CHANNEL) {
      for (const page of this.pages) void deliver(page, push.payload);
    } else if (push.push === 'load') {
      const url = new URL(push.url);
      if (url.pathname === '/approval.html' && url.hash.length > 1) this.approvalsShown.push(decodeURIComponent(url.hash.slice(1)));
    }
  }

  /**
   * Opens one of the app's pages as the app would load it. The dashboard is opened the way a person
   * opens it (the tray's "Open dashboard"), so the app has a window to send its events to.
   */
  async open(name: PageName, options: WindowOptions = {}): Promise<Page> {
    if (name === 'index.html') await this.ensureDashboardWindow();
    const context = await this.browser.newContext({ colorScheme: options.colorScheme ?? 'light', viewport: options.viewport ?? { width: 1200, height: 800 }, reducedMotion: 'reduce' });
    this.contexts.add(context);
    // JSON text both ways: Playwright's own serialisation walks every value on both sides, which for a
    // thousand leases cost more than the app's whole answer.
    await context.exposeBinding('__agentSecretsInvoke', async ({ page }, channel: string, params: string) =>
      JSON.stringify(await this.app.invokeRaw(channel, JSON.parse(params), APP_ORIGIN + new URL(page.url()).pathname)),
    );
    await context.addInitScript({ content: await pageBridge() });
    if (options.beforeLoad !== undefined) await context.addInitScript({ content: options.beforeLoad });
    const page = await context.newPage();
    page.on('pageerror', (error) => this.pageErrors.push(`${name}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.pageErrors.push(`${name}: ${message.text()}`);
    });
    page.on('close', () => this.pages.delete(page));
    this.pages.add(page);
    await page.goto(`${await this.origin()}/${name}${options.hash === undefined ? '' : '#' + encodeURIComponent(options.hash.replace(/^#/, ''))}`);
    return page;
  }

  private server: Promise<{ server: Server; origin: string }> | null = null;
  /** The loopback origin serving the app's files: 127.0.0.1 is a secure context, as app:// is in the app. */
  private async origin(): Promise<string> {
    this.server ??= new Promise((resolve, reject) => {
      const server = createServer((request, response) => {
        this.fetch(new URL(request.url ?? '/', 'http://127.0.0.1').pathname).then(
          (answer) => response.writeHead(answer.status, answer.headers).end(Buffer.from(answer.bodyBase64, 'base64')),
          (error: unknown) => response.writeHead(500).end(String(error)),
        );
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
    });
    return (await this.server).origin;
  }

  private async ensureDashboardWindow(): Promise<void> {
    const state = await this.app.state();
    if (state.windows.some((w) => !w.destroyed && w.loads.some((l) => l.page === 'index.html'))) return;
    if (state.tray?.menu.some((item) => item.id === 'open-dashboard') !== true) throw new Error('the tray has no "Open dashboard" item');
    await this.app.click('open-dashboard');
  }

  /**
   * The app's answer for one of its pages' files. Its files do not change while it runs, so each is
   * asked once: in Electron they come from the app's own files, not through two processes' IPC.
   */
  private fetch(path: string): Promise<Fetched> {
    let answer = this.files.get(path);
    if (answer === undefined) this.files.set(path, (answer = this.app.fetch(APP_ORIGIN + path)));
    return answer;
  }

  /** Waits for the app to open the approval window for a new prompt, and returns the prompt's id. */
  async nextApproval(after: number, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.approvalsShown.length <= after) {
      if (Date.now() > deadline) throw new Error(`no approval window after #${after}: ${this.app.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.approvalsShown[after]!;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await Promise.all([...this.contexts].map((c) => c.close().catch(() => {})));
    const served = await this.server;
    if (served !== undefined && served !== null) await new Promise((resolve) => served.server.close(resolve));
  }
}

/** Events reach a page in the order the app sent them. */
const queues = new WeakMap<Page, Promise<unknown>>();
function deliver(page: Page, event: unknown): Promise<unknown> {
  const next = (queues.get(page) ?? Promise.resolve())
    .then(() => page.evaluate((e) => (globalThis as unknown as { __agentSecretsDeliver(e: unknown): void }).__agentSecretsDeliver(e), event))
    .catch(() => {});
  queues.set(page, next);
  return next;
}
