import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { WebContents, WebFrameMain } from 'electron';
import {
  APP_ROOT,
  APP_SCHEME_PRIVILEGES,
  CONTENT_SECURITY_POLICY,
  EXTERNAL_ORIGINS,
  type LockdownTarget,
  type SenderFrame,
  applyWindowLockdown,
  approvalWindowOptions,
  contentSecurityHeaders,
  dashboardWindowOptions,
  isAppUrl,
  isTrustedSender,
  navigationDecision,
  openExternalDecision,
  permissionCheckDecision,
  permissionDecision,
  resolveAppFile,
  windowOpenDecision,
} from '../../electron/main/window-policy.js';

// Compile-time: Electron's own objects fit the structural slices the policy takes (npm run typecheck).
const _contentsFit: (contents: WebContents) => LockdownTarget = (contents) => contents;
const _frameFits: (frame: WebFrameMain | null) => SenderFrame | null = (frame) => frame;
void _contentsFit;
void _frameFits;

const RENDERER_DIR = '/opt/Agent Secrets/resources/app.asar/dist/renderer';
const FILE_ROOT = pathToFileURL(`${RENDERER_DIR}/`).href; // file:///opt/Agent%20Secrets/…/renderer/
const PAGE = `${FILE_ROOT}index.html`;

test('both windows: isolated, sandboxed, no Node, web security on, no webview, no spellcheck, the given preload', () => {
  for (const options of [dashboardWindowOptions('/app/dist/preload.cjs'), approvalWindowOptions('/app/dist/preload.cjs')]) {
    const prefs = options.webPreferences!;
    assert.equal(prefs.preload, '/app/dist/preload.cjs');
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.spellcheck, false);
    assert.equal(prefs.experimentalFeatures, false);
    assert.equal(prefs.devTools, false, 'developer tools only when asked for');
    assert.equal(options.show, false, 'shown by the adapter, never on creation');
  }
  assert.equal(dashboardWindowOptions('/p', true).webPreferences!.devTools, true);
});

test('the approval window stays on top, cannot be resized, minimised or made fullscreen, and has no taskbar entry', () => {
  const options = approvalWindowOptions('/p');
  assert.equal(options.alwaysOnTop, true);
  assert.equal(options.resizable, false);
  assert.equal(options.minimizable, false);
  assert.equal(options.maximizable, false);
  assert.equal(options.fullscreenable, false);
  assert.equal(options.skipTaskbar, true);
  assert.equal(options.useContentSize, true);
  // Big enough for who asks, what, the countdown and the answer at once (the e2e test checks that at this
  // size); small enough to be a prompt beside the person's work, not a second dashboard.
  assert.ok(options.width! >= 500 && options.width! <= 600 && options.height! >= 560 && options.height! <= 640, 'sized for a prompt');
  const dashboard = dashboardWindowOptions('/p');
  assert.notEqual(dashboard.alwaysOnTop, true);
  assert.notEqual(dashboard.skipTaskbar, true);
});

test('the CSP allows only the app itself: no inline script, no network, no frames, no plugins, no base or form targets', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('style-src'), ["'self'"]);
  assert.deepEqual(directives.get('img-src'), ["'self'", 'data:']);
  assert.deepEqual(directives.get('connect-src'), ["'none'"]);
  assert.deepEqual(directives.get('font-src'), ["'self'"]);
  for (const name of ['base-uri', 'form-action', 'frame-ancestors', 'object-src']) assert.deepEqual(directives.get(name), ["'none'"], name);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe|\*|blob:|https?:/);
  const headers = contentSecurityHeaders();
  assert.equal(headers['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
  assert.equal(headers['X-Content-Type-Options'], 'nosniff');
});

test('the app scheme is standard and secure and loosens nothing', () => {
  assert.equal(APP_SCHEME_PRIVILEGES.scheme, 'app');
  const p = APP_SCHEME_PRIVILEGES.privileges!;
  assert.equal(p.standard, true);
  assert.equal(p.secure, true);
  for (const loosening of ['bypassCSP', 'allowServiceWorkers', 'supportFetchAPI', 'corsEnabled'] as const) assert.equal(p[loosening], false, loosening);
  // V8 would run a code-cache entry an agent planted in the profile directory as the page's code.
  assert.equal(p.codeCache, false, 'no V8 code cache for the app scheme');
});

test("isAppUrl: the app's own pages, under a file:// root given as URL or as the directory path", () => {
  for (const root of [FILE_ROOT, RENDERER_DIR, `${RENDERER_DIR}/`]) {
    assert.equal(isAppUrl(PAGE, root), true, root);
    assert.equal(isAppUrl(`${FILE_ROOT}approval.html#R-1`, root), true);
    assert.equal(isAppUrl(`${FILE_ROOT}assets/main.js`, root), true);
    assert.equal(isAppUrl(`${FILE_ROOT}sub/../index.html`, root), true, 'dot segments that stay inside');
  }
  assert.equal(isAppUrl('app://bundle/index.html', APP_ROOT), true);
  assert.equal(isAppUrl('app://bundle/', APP_ROOT), true, 'served as index.html');
  assert.equal(isAppUrl('app://bundle/approval.html?x=1#R-2', APP_ROOT), true);
});

test('isAppUrl refuses hostile and look-alike URLs', () => {
  const hostile = [
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'blob:file:///x',
    'about:blank',
    'file:///etc/passwd',
    'file:///opt/Agent%20Secrets/resources/app.asar/dist/',
    `${FILE_ROOT}../../../../../etc/passwd`,
    `${FILE_ROOT}%2e%2e/%2e%2e/secrets.txt`,
    `${FILE_ROOT}.%2E/x.html`,
    `${FILE_ROOT}..%2f..%2fetc/passwd`,
    `${FILE_ROOT}..%5c..%5cetc`,
    `${FILE_ROOT}index.html%00.png`,
    FILE_ROOT.replace(/\/$/, '-evil/index.html'), // look-alike sibling: …/renderer-evil/
    FILE_ROOT.replace(/renderer\/$/, 'rendererX/index.html'),
    FILE_ROOT, // the directory itself is a listing, not a page
    PAGE.replace('file:///', 'file://attacker.example/'), // UNC host
    'https://example.com/index.html',
    'http://localhost:5173/index.html',
    'app://bundle.evil/index.html',
    'app://user:pw@bundle/index.html',
    'app://BUNDLE/index.html',
    'app://bundle/..%2f..%2fx',
    'app://bundle/a\\..\\..\\x',
    'chrome://settings',
    'devtools://devtools/bundled/inspector.html',
    '',
    'index.html',
    `${PAGE}${'a'.repeat(5000)}`,
  ];
  for (const url of hostile) {
    assert.equal(isAppUrl(url, FILE_ROOT) || isAppUrl(url, APP_ROOT), false, url);
    assert.equal(navigationDecision(url, FILE_ROOT), 'deny', url);
    assert.equal(navigationDecision(url, APP_ROOT), 'deny', url);
  }
  for (const notAString of [null, undefined, 42, { href: PAGE }, [PAGE], new URL(PAGE)]) assert.equal(isAppUrl(notAString, FILE_ROOT), false);
});

test('no root but an app: or file: one: a dev server or a relative path makes every URL foreign', () => {
  assert.equal(isAppUrl('http://localhost:5173/index.html', 'http://localhost:5173/'), false);
  assert.equal(isAppUrl('https://app.example/index.html', 'https://app.example/'), false);
  assert.equal(isAppUrl(PAGE, 'dist/renderer'), false);
  assert.equal(isAppUrl(PAGE, ''), false);
  assert.equal(navigationDecision(PAGE, FILE_ROOT), 'allow');
});

test('resolveAppFile serves only files inside the renderer dir', () => {
  const dir = '/opt/app/dist/renderer';
  assert.equal(resolveAppFile('app://bundle/', dir), join(dir, 'index.html'));
  assert.equal(resolveAppFile('app://bundle/approval.html#R-1', dir), join(dir, 'approval.html'));
  assert.equal(resolveAppFile('app://bundle/assets/index-abc.js?v=1', dir), join(dir, 'assets', 'index-abc.js'));
  assert.equal(resolveAppFile('app://bundle/fonts/Inter%20Var.woff2', dir), join(dir, 'fonts', 'Inter Var.woff2'));
  for (const url of [
    'app://bundle/../../etc/passwd',
    'app://bundle/%2e%2e/%2e%2e/etc/passwd',
    'app://bundle/..%2f..%2fetc%2fpasswd',
    'app://bundle/a%5c..%5c..%5cx',
    'app://bundle/x%00.html',
    'app://bundle/C:%2fWindows',
    'app://bundle/C:/Windows/win.ini',
    'app://bundle/assets//main.js',
    'app://bundle/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
    'javascript:alert(1)',
  ]) {
    const file = resolveAppFile(url, dir);
    // `..` above the root is clamped by URL parsing to the root, so such a URL may only ever name a file inside dir.
    if (file !== null) assert.ok(file.startsWith(`${dir}/`) && !file.includes('..'), `${url} -> ${file}`);
  }
  assert.equal(resolveAppFile('app://bundle/../../etc/passwd', dir), join(dir, 'etc', 'passwd'), 'clamped inside, never outside');
  assert.equal(resolveAppFile('app://bundle/..%2f..%2fetc%2fpasswd', dir), null);
  assert.equal(resolveAppFile('app://bundle/x%00.html', dir), null);
  assert.equal(resolveAppFile('app://bundle/C:/Windows/win.ini', dir), null);
  assert.equal(resolveAppFile('app://bundle/%E0%A4%A', dir), null, 'malformed escapes');
  assert.equal(resolveAppFile('app://other/index.html', dir), null);
});

test('window.open is always denied; every permission request and check is refused', () => {
  assert.deepEqual(windowOpenDecision(), { action: 'deny' });
  for (const permission of ['media', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'geolocation', 'openExternal', 'fullscreen', 'unknown', 'hid', 'usb', 'serial', '']) {
    assert.equal(permissionDecision(permission), false, permission);
    assert.equal(permissionCheckDecision(permission), false, permission);
  }
});

test("isTrustedSender: only the top frame of the app's own page", () => {
  assert.equal(isTrustedSender({ url: PAGE, parent: null }, FILE_ROOT), true);
  assert.equal(isTrustedSender({ url: 'app://bundle/approval.html#R-1', parent: null }, APP_ROOT), true);
  assert.equal(isTrustedSender({ url: PAGE, parent: { url: PAGE, parent: null } }, FILE_ROOT), false, 'a subframe, even of the app');
  assert.equal(isTrustedSender({ url: PAGE, parent: undefined }, FILE_ROOT), false, 'parent must be exactly null');
  assert.equal(isTrustedSender(null, FILE_ROOT), false, 'a frame that is gone');
  assert.equal(isTrustedSender(undefined, FILE_ROOT), false);
  for (const url of ['https://evil.example/', 'data:text/html,x', 'about:blank', 'file:///tmp/evil.html', `${FILE_ROOT}../evil.html`, FILE_ROOT.replace(/\/$/, '-evil/index.html')]) {
    assert.equal(isTrustedSender({ url, parent: null }, FILE_ROOT), false, url);
  }
});

test('openExternalDecision: only https to an allowed origin, and the default list allows nothing', () => {
  assert.deepEqual(EXTERNAL_ORIGINS, []);
  assert.equal(openExternalDecision('https://github.com/'), null);
  const allowed = ['https://docs.example.org'];
  assert.equal(openExternalDecision('https://docs.example.org/guide?x=1#y', allowed), 'https://docs.example.org/guide?x=1#y');
  assert.equal(openExternalDecision('HTTPS://DOCS.EXAMPLE.ORG/a', allowed), 'https://docs.example.org/a', 'normalised');
  assert.equal(openExternalDecision('http://plain.example/', ['http://plain.example']), null, 'https only, even if a plain-http origin were listed');
  for (const value of [
    'http://docs.example.org/',
    'https://docs.example.org.evil.com/',
    'https://evil.com/?https://docs.example.org',
    'https://docs.example.org@evil.com/',
    'https://user:pw@docs.example.org/',
    'https://docs.example.org:8443/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'smb://docs.example.org/share',
    'ms-msdt:/id PCWDiagnostic',
    'data:text/html,x',
    '//docs.example.org/',
    ' https://docs.example.org/'.repeat(400),
    null,
    undefined,
    42,
    { toString: () => 'https://docs.example.org/' },
  ]) {
    assert.equal(openExternalDecision(value, allowed), null, String(value).slice(0, 60));
  }
});

/** A recording double of the slice of WebContents the lockdown wires. */
function recordingContents() {
  const handlers = new Map<string, ((event: never) => void)[]>();
  const state = {
    windowOpen: null as null | ((details: { url: string }) => { action: 'deny' }),
    permissionRequest: null as null | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
    permissionCheck: null as null | ((contents: unknown, permission: string) => boolean),
  };
  const contents: LockdownTarget = {
    on(event: string, handler: (event: never) => void) {
      handlers.set(event, [...(handlers.get(event) ?? []), handler]);
      return contents;
    },
    setWindowOpenHandler(handler) {
      state.windowOpen = handler;
    },
    session: {
      setPermissionRequestHandler(handler) {
        state.permissionRequest = handler;
      },
      setPermissionCheckHandler(handler) {
        state.permissionCheck = handler;
      },
    },
  };
  /** Emits `name` with an event for `url`; returns whether some handler prevented it. */
  const emit = (name: string, fields: Record<string, unknown>): boolean => {
    let prevented = false;
    const event = { ...fields, preventDefault: () => (prevented = true) };
    const list = handlers.get(name);
    assert.ok(list && list.length > 0, `a handler for ${name}`);
    for (const handler of list) handler(event as never);
    return prevented;
  };
  return { contents, state, emit };
}

test('applyWindowLockdown wires every decision onto the window', () => {
  const { contents, state, emit } = recordingContents();
  const opened: string[] = [];
  applyWindowLockdown(contents, FILE_ROOT, (url) => opened.push(url));

  assert.equal(emit('will-navigate', { url: `${FILE_ROOT}approval.html` }), false, 'the app may move between its pages');
  for (const url of ['https://evil.example/', 'javascript:alert(1)', 'file:///etc/passwd', `${FILE_ROOT}../x.html`, 'data:text/html,x']) {
    assert.equal(emit('will-navigate', { url }), true, url);
    assert.equal(emit('will-redirect', { url }), true, url);
    assert.equal(emit('will-frame-navigate', { url, isMainFrame: true }), true, url);
  }
  assert.equal(emit('will-redirect', { url: PAGE }), false);
  assert.equal(emit('will-frame-navigate', { url: PAGE, isMainFrame: true }), false);
  assert.equal(emit('will-frame-navigate', { url: PAGE, isMainFrame: false }), true, 'subframes navigate nowhere, not even to the app');
  assert.equal(emit('will-attach-webview', {}), true);

  assert.deepEqual(state.windowOpen!({ url: PAGE }), { action: 'deny' });
  assert.deepEqual(state.windowOpen!({ url: 'https://github.com/' }), { action: 'deny' });
  assert.deepEqual(opened, [], 'nothing leaves for the browser with the default (empty) allowlist');

  const answers: boolean[] = [];
  state.permissionRequest!({}, 'media', (granted) => answers.push(granted));
  state.permissionRequest!({}, 'notifications', (granted) => answers.push(granted));
  assert.deepEqual(answers, [false, false]);
  assert.equal(state.permissionCheck!({}, 'clipboard-read'), false);
});

test('applyWindowLockdown opens an allowed https link in the browser, still denying the navigation and the window', async () => {
  const { contents, state, emit } = recordingContents();
  const opened: string[] = [];
  applyWindowLockdown(contents, APP_ROOT, (url) => opened.push(url), (value) => openExternalDecision(value, ['https://docs.example.org']));
  assert.equal(emit('will-navigate', { url: 'https://docs.example.org/help' }), true);
  assert.deepEqual(state.windowOpen!({ url: 'https://docs.example.org/more' }), { action: 'deny' });
  assert.deepEqual(state.windowOpen!({ url: 'http://docs.example.org/plain' }), { action: 'deny' });
  assert.equal(emit('will-navigate', { url: 'javascript:alert(1)' }), true);
  assert.deepEqual(opened, ['https://docs.example.org/help', 'https://docs.example.org/more']);

  // A browser that fails to start (a rejected or throwing openExternal) neither throws nor leaves an unhandled rejection.
  const failing = recordingContents();
  applyWindowLockdown(failing.contents, APP_ROOT, () => Promise.reject(new Error('no browser')), () => 'https://docs.example.org/');
  assert.deepEqual(failing.state.windowOpen!({ url: 'https://docs.example.org/' }), { action: 'deny' });
  const throwing = recordingContents();
  applyWindowLockdown(throwing.contents, APP_ROOT, () => {
    throw new Error('no browser');
  }, () => 'https://docs.example.org/');
  assert.equal(throwing.emit('will-navigate', { url: 'https://docs.example.org/' }), true);
  await new Promise((resolve) => setImmediate(resolve));
});
