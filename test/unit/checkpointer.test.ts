import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checkpointer } from '../../electron/daemon/store/checkpointer.js';
import { openDb } from '../../electron/daemon/store/db.js';

test('checkpoints move to a worker while commits come fast, and back when they stop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'as-ckpt-'));
  const path = join(dir, 'state.db');
  const db = openDb(path);
  let now = 0;
  const checkpointer = new Checkpointer(db, path, { busyCommitsPerSecond: 5, idleStopMs: 50 }, () => now);
  try {
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
    for (let i = 0; i < 4; i++) checkpointer.noteCommit();
    assert.equal(checkpointer.running, false, 'four commits in a second is not busy');
    now = 1500;
    for (let i = 0; i < 5; i++) checkpointer.noteCommit();
    assert.equal(checkpointer.running, true);
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0, 'the main connection stops checkpointing');

    db.exec('CREATE TABLE t (x)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 2000; i++) insert.run('x'.repeat(500));
    // The rows are in the WAL; only a checkpoint copies them into the database file itself.
    const before = statSync(path).size;
    assert.ok(before < 200_000, `database file already ${before} bytes`);
    const deadline = Date.now() + 5000;
    while (statSync(path).size < 1_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(statSync(path).size >= 1_000_000, 'the worker checkpointed the WAL into the database file');

    now = 10_000;
    const stopDeadline = Date.now() + 5000;
    while (checkpointer.running && Date.now() < stopDeadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(checkpointer.running, false, 'idle: the worker is stopped');
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  } finally {
    await checkpointer.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
