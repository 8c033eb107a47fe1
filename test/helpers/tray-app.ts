/**
 * The built tray app (dist/main/main.cjs) under plain Node, with a recording double of the slice of
 * Electron it uses (test/fixtures/fake-electron): the real daemon starts in its process, the real CLI
 * talks to it, and a test plays the person through the app's own IPC handlers, tray menu and the
 * app:// handler — or, in the browser tests, through pages in Chromium (browser-app.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { UiReply } from '../../shared/ui-service.js';
import { REPO } from './store.js';

const FAKE_ELECTRON = join(REPO, 'test', 'fixtures', 'fake-electron', 'register.cjs');
const MAIN = join(REPO, 'dist', 'main', 'main.cjs');
export const APPROVAL_PAGE = 'app://bundle/approval.html';

export interface AppState {
  tray: { image: string; tooltip: string; menu: { id?: string; label?: string; enabled?: boolean; type?: string }[] } | null;
  windows: { options: any; loads: { url: string; page: string; hash: string | null }[]; shown: string | null; destroyed: boolean; lockedDown: boolean }[];
  channels: string[];
  shortcuts: string[];
  notifications: string[];
  errors: string[];
  schemes: string[];
}

/** What the app's windows would receive: a message to the page, a page loaded, a window closed. */
export type Push = { push: 'send'; channel: string; payload: unknown } | { push: 'load'; window: number; url: string } | { push: 'close'; window: number };

export interface Fetched {
  status: number;
  headers: Record<string, string>;
  body: string;
  bodyBase64: string;
}

/** The app process and its control channel (the fake Electron answers over Node's IPC). */
export class RunningApp {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (reply: any) => void; reject: (error: Error) => void }>();
  private readonly pushListeners = new Set<(push: Push) => void>();
  stderr = '';

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: any) => {
      if (message.push !== undefined) for (const listener of this.pushListeners) listener(message as Push);
      else this.waiting.get(message.id)?.resolve(message);
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // A send that races the app's exit reports here too (and through its callback: ask() below).
    child.on('error', () => {});
    // Whatever was asked and not answered when the app died never will be.
    child.once('exit', () => {
      for (const [id, asked] of this.waiting) (this.waiting.delete(id), asked.reject(new Error('the app exited before it answered')));
    });
  }

  /**
   * One request to the app over Node's IPC. The app may be gone (the crash loop SIGKILLs it while an
   * approver is still asking): then the request fails instead of an EPIPE ending the test run.
   */
  private ask(message: object): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.child.connected) return reject(new Error('the app is not running'));
      this.waiting.set(id, { resolve: (reply) => (this.waiting.delete(id), resolve(reply)), reject });
      this.child.send({ id, ...message }, (error) => {
        if (error === null) return;
        this.waiting.delete(id);
        reject(new Error(`the app is not running: ${error.message}`));
      });
    });
  }

  onPush(listener: (push: Push) => void): () => void {
    this.pushListeners.add(listener);
    return () => this.pushListeners.delete(listener);
  }

  state = async (): Promise<AppState> => (await this.ask({ cmd: 'state' })).state;
  click = (item: string) => this.ask({ cmd: 'click', item });
  /** Asks the app:// protocol handler, as a window loading `url` would. */
  fetch = (url: string): Promise<Fetched> => this.ask({ cmd: 'fetch', url });
  /** Calls an IPC handler as the page at `senderUrl`; the answer is the handler's reply envelope. */
  invokeRaw = async (channel: string, params: unknown, senderUrl: string): Promise<UiReply> => {
    const answer = await this.ask({ cmd: 'invoke', channel, params, senderUrl });
    if (answer.error !== undefined) throw new Error(answer.error);
    return answer.result as UiReply;
  };
  invoke = async (channel: string, params: unknown, senderUrl = APPROVAL_PAGE): Promise<{ result?: any; error?: any }> => {
    const reply = await this.invokeRaw(channel, params, senderUrl);
    return reply.ok ? { result: reply.result } : { error: reply.error };
  };

  async until(check: (state: AppState) => boolean, what: string, timeoutMs = 15_000): Promise<AppState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.state();
      if (check(state)) return state;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(state).slice(0, 2000)}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/** The built app in a child process, on the store's data dir. */
export function launchTrayApp(store: { env: Record<string, string> }): RunningApp {
  const child = spawn(process.execPath, ['--require', FAKE_ELECTRON, MAIN], {
    env: { PATH: process.env.PATH ?? '', ...store.env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // Structured clone, not JSON text: the browser tests pass a thousand leases through here.
    serialization: 'advanced',
  });
  return new RunningApp(child);
}
