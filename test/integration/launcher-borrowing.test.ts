/**
 * Issue 8, as the attacker: an agent running as the same user cannot borrow an approved launcher by
 * starting its script with code of its own preloaded. A grant for `node bot.js` (bound with `clients
 * allow --launcher`) does not cover `node --require evil.js bot.js` nor `NODE_OPTIONS=--require=…
 * node bot.js`: those ask a person, with the preload named in the request, and get nothing when
 * denied or unanswered. The honest `node bot.js` still leases at once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, type TestStore, startedStore } from '../helpers/store.js';

const VALUE = 'bot-token-Launcher-0123456789';

let store: TestStore;
let scratch: string;
let bot: string;
let evil: string;

/** The approved agent: leases as client "bot" and reports what it got (and whether evil.js ran in it). */
const BOT_SOURCE = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, [process.argv[2], 'lease', 'api_token', '--client-id', 'bot'], { stdio: ['ignore', 'pipe', 'pipe'] });
let stdout = '';
child.stdout.on('data', (c) => (stdout += c));
child.on('close', (code) => process.stdout.write(JSON.stringify({ code, stdout, evil: globalThis.EVIL === true })));
`;
/** The attacker's code: preloaded into bot.js, it sees everything the process sees. */
const EVIL_SOURCE = 'globalThis.EVIL = true;\n';

interface Report {
  code: number;
  stdout: string;
  evil: boolean;
}

function runBot(args: string[], env: Record<string, string> = {}): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args, bot, CLI], { cwd: scratch, env: { PATH: process.env.PATH ?? '', ...store.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout) as Report);
      } catch {
        reject(new Error(`bot.js printed no report: ${stdout} ${stderr}`));
      }
    });
  });
}

/** Polls `secrets requests` until client "bot" has a pending request (deadline, not a fixed wait). */
async function pendingFromBot(): Promise<any> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const requests = (await store.cli(['requests', '--json'])).json?.data?.requests ?? [];
    const request = requests.find((r: any) => r.client_id === 'bot');
    if (request) return request;
    if (Date.now() > deadline) throw new Error('no pending request from bot');
    await sleep(50);
  }
}

before(async () => {
  store = await startedStore({ autoApprove: false, config: { approval_timeout: '3s' } });
  assert.equal((await store.admin(['add', 'api_token'], { input: VALUE })).code, 0);
  scratch = realpathSync(mkdtempSync(join(tmpdir(), 'as-borrow-')));
  bot = join(scratch, 'bot.js');
  evil = join(scratch, 'evil.js');
  writeFileSync(bot, BOT_SOURCE);
  writeFileSync(evil, EVIL_SOURCE);
  const allowed = await store.admin(['clients', 'allow', 'bot', '--launcher', `${process.execPath} ${bot}`]);
  assert.equal(allowed.code, 0, allowed.stderr);
});
after(async () => {
  await store?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the approved `node bot.js` leases at once', async () => {
  const report = await runBot([]);
  assert.deepEqual(report, { code: 0, stdout: VALUE, evil: false });
});

test('NODE_OPTIONS=--require=./evil.js node bot.js asks a person, names the preload, and gets nothing when nobody answers', async () => {
  const attack = runBot([], { NODE_OPTIONS: '--require=./evil.js' });
  const request = await pendingFromBot();
  assert.equal(request.verified.launcher, `${process.execPath} ${bot} [NODE_OPTIONS=--require ${evil}]`);
  const report = await attack;
  assert.equal(report.evil, true, 'the attacker’s code did run inside bot.js');
  assert.equal(report.code, 4, 'timed out: denied');
  assert.ok(!report.stdout.includes(VALUE));
});

test('node --require evil.js bot.js asks a person, names the preload, and gets nothing when denied', async () => {
  const attack = runBot(['--require', evil]);
  const request = await pendingFromBot();
  assert.equal(request.verified.launcher, `${process.execPath} ${bot} [--require ${evil}]`);
  assert.equal((await store.admin(['deny', request.request_id])).code, 0);
  const report = await attack;
  assert.equal(report.evil, true);
  assert.equal(report.code, 4);
  assert.ok(!report.stdout.includes(VALUE));
});

test('afterwards the honest bot still leases, and no lease went to a preloaded one', async () => {
  assert.deepEqual(await runBot([]), { code: 0, stdout: VALUE, evil: false });
  const granted = (await store.cli(['audit', '--json', '--action', 'lease.granted', '--client', 'bot'])).json.data.entries;
  assert.equal(granted.length, 2);
  for (const entry of granted) assert.equal(entry.detail.launcher, `${process.execPath} ${bot}`);
});
