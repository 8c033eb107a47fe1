// The built preload (dist/preload.cjs, made by `npm run build`), run as a sandboxed preload runs: one
// CommonJS file whose `require` knows only `electron`, here a recording fake.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { APP_METHODS, UI_EVENT_CHANNEL, UI_METHODS, uiChannel } from '../../shared/ui-service.js';

/** Every method the window may call: the daemon's and the app's own. */
const ALL_METHODS = [...UI_METHODS, ...APP_METHODS];

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = join(ROOT, 'dist', 'preload.cjs');
const SOURCES = ['electron/preload/preload.ts', 'shared/ui-service.ts'].map((p) => join(ROOT, p));

type Listener = (...args: unknown[]) => void;

/** Runs the built preload against a fake `electron`; returns what it exposed and what it called. */
function loadPreload() {
  const exposed: [string, unknown][] = [];
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Listener[]>();
  const required: string[] = [];
  const fakeElectron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]),
    },
    ipcRenderer: {
      invoke: (...args: unknown[]) => {
        invoked.push(args);
        // The main process answers with an envelope (shared/ui-service.ts UiReply).
        if ((args[1] as { fail?: boolean } | undefined)?.fail) return Promise.resolve({ ok: false, error: { code: 'SECRET_NOT_FOUND', message: 'secret "x" not found', hint: 'secrets list' } });
        return Promise.resolve({ ok: true, result: { answered: args[0] } });
      },
      on: (channel: string, listener: Listener) => listeners.set(channel, [...(listeners.get(channel) ?? []), listener]),
      removeListener: (channel: string, listener: Listener) => listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener)),
      send: () => assert.fail('the preload never sends on its own'),
      sendSync: () => assert.fail('the preload never sends on its own'),
    },
  };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return fakeElectron;
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  const module = { exports: {} };
  vm.runInNewContext(readFileSync(BUILT, 'utf8'), { require: sandboxRequire, module, exports: module.exports }, { filename: BUILT });
  const emit = (channel: string, ...args: unknown[]) => {
    for (const listener of listeners.get(channel) ?? []) listener(...args);
  };
  return { exposed, invoked, listeners, required, emit };
}

test('the built preload is one fresh file that requires only electron', () => {
  const built = statSync(BUILT, { throwIfNoEntry: false });
  assert.ok(built, 'dist/preload.cjs is missing: run `npm run build`');
  for (const source of SOURCES) assert.ok(statSync(source).mtimeMs <= built.mtimeMs, `dist/preload.cjs is older than ${source}: run \`npm run build\``);
  const code = readFileSync(BUILT, 'utf8');
  assert.deepEqual([...new Set([...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]))], ['electron']);
  assert.doesNotMatch(code, /\bimport\s*\(|\bimport\s+[\w{*]/, 'no ES module syntax: a sandboxed preload is CommonJS');
  assert.deepEqual(loadPreload().required, ['electron']);
});

test('exposes agentSecrets and nothing else: one function per UI method plus onEvent', () => {
  const { exposed, listeners } = loadPreload();
  assert.equal(exposed.length, 1);
  const [key, api] = exposed[0]!;
  assert.equal(key, 'agentSecrets');
  assert.deepEqual(Object.keys(api as object).sort(), [...ALL_METHODS, 'onEvent'].sort());
  for (const [name, value] of Object.entries(api as object)) assert.equal(typeof value, 'function', name);
  for (const generic of ['invoke', 'send', 'on', 'ipcRenderer', 'call']) assert.equal(generic in (api as object), false, generic);
  assert.equal(listeners.size, 0, 'no subscription until the page asks for one');
});

test('each UI method invokes exactly its own channel with exactly its params, and returns the answer', async () => {
  const { exposed, invoked } = loadPreload();
  const api = exposed[0]![1] as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ALL_METHODS) {
    const params = { probe: method };
    const before = invoked.length;
    const answer = await api[method]!(params, 'an extra argument', { channel: 'ui:secrets.remove' });
    assert.equal(invoked.length, before + 1, method);
    assert.deepEqual(invoked.at(-1), [uiChannel(method), params], method);
    assert.deepEqual(answer, { answered: uiChannel(method) });
  }
  assert.deepEqual(
    invoked.map((call) => call[0]),
    ALL_METHODS.map(uiChannel),
  );
});

test('an error reaches the page as an error with its code and hint, not a flattened message', async () => {
  const { exposed } = loadPreload();
  const api = exposed[0]![1] as Record<string, (...args: unknown[]) => Promise<unknown>>;
  await assert.rejects(api['secrets.remove']!({ fail: true }), (error: { code?: string; hint?: string; message: string }) => {
    assert.equal(error.code, 'SECRET_NOT_FOUND');
    assert.equal(error.hint, 'secrets list');
    assert.equal(error.message, 'secret "x" not found');
    return true;
  });
});

test('onEvent hands the listener the payload only, never the IPC event, and unsubscribes', () => {
  const { exposed, listeners, emit } = loadPreload();
  const api = exposed[0]![1] as { onEvent: (listener: (event: unknown) => void) => () => void };
  const first: unknown[][] = [];
  const second: unknown[][] = [];
  const stopFirst = api.onEvent((...args) => first.push(args));
  const stopSecond = api.onEvent((...args) => second.push(args));
  assert.equal(listeners.get(UI_EVENT_CHANNEL)?.length, 2);
  assert.deepEqual([...listeners.keys()], [UI_EVENT_CHANNEL]);

  const ipcEvent = { sender: { send: () => {} }, senderFrame: {}, ports: [] };
  const payload = { type: 'lease.granted', lease_id: 'L-1' };
  emit(UI_EVENT_CHANNEL, ipcEvent, payload, 'extra');
  assert.deepEqual(first, [[payload]]);
  assert.deepEqual(second, [[payload]]);

  stopFirst();
  stopFirst(); // twice is harmless
  emit(UI_EVENT_CHANNEL, ipcEvent, { type: 'lease.expired' });
  assert.equal(first.length, 1, 'no event after unsubscribing');
  assert.equal(second.length, 2);
  stopSecond();
  assert.equal(listeners.get(UI_EVENT_CHANNEL)?.length, 0);
  assert.throws(() => api.onEvent('not a function' as never), { name: 'TypeError' });
  assert.equal(listeners.get(UI_EVENT_CHANNEL)?.length, 0);
});
