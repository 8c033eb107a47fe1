/** `secrets serve` without --foreground: starts a detached daemon, returns once it answers. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestStore } from '../helpers/store.js';

const store = new TestStore();
let pid = 0;
after(async () => {
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await store.cleanup();
});

test('serve detaches, logs to daemon.log, refuses a second start, stops on SIGTERM', async () => {
  await store.init();
  const started = await store.cli(['serve', '--passphrase-file', store.passphraseFile]);
  assert.equal(started.code, 0, started.stderr);
  pid = started.json.data.pid;
  assert.equal(typeof pid, 'number');
  const status = await store.cli(['status']);
  assert.equal(status.json.data.pid, pid);

  const second = await store.cli(['serve', '--passphrase-file', store.passphraseFile]);
  assert.equal(second.code, 1);
  assert.equal(second.json.error.code, 'DAEMON_ALREADY_RUNNING');

  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (existsSync(store.socket) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(existsSync(store.socket), false);
  pid = 0;
  assert.equal((await store.cli(['status'])).code, 69);
  assert.match(readFileSync(join(store.home, 'daemon.log'), 'utf8'), /"ok":true/);
});

test('serve without a passphrase and without a terminal says how to give one', async () => {
  const result = await store.cli(['serve', '--foreground']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--passphrase-file/);
});
