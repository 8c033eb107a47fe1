/**
 * The audit log is append-only in the database, and `audit verify` catches edits, deletions,
 * reordering and a cut-off tail, naming the first bad entry. Editing the file directly (dropping the
 * triggers) is what an attacker with file access would do; only this test does it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TestStore, startedStore } from '../helpers/store.js';

type Tamper = (db: Database.Database) => void;

function dropTriggers(db: Database.Database): void {
  db.exec('DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;');
}

describe('audit tamper evidence', () => {
  let store: TestStore;
  let pristine: string;
  before(async () => {
    store = await startedStore();
    await store.admin(['add', 'token'], { input: 'value-1' });
    for (let i = 0; i < 5; i++) await store.cli(['lease', 'token', '--client-id', `agent-${i}`]);
    await store.daemon!.stop();
    pristine = join(store.home, 'pristine.db');
    copyFileSync(join(store.home, 'state.db'), pristine);
  });
  after(() => store.cleanup());

  async function verifyAfter(tamper: Tamper) {
    for (const suffix of ['-wal', '-shm']) rmSync(join(store.home, `state.db${suffix}`), { force: true });
    copyFileSync(pristine, join(store.home, 'state.db'));
    const db = new Database(join(store.home, 'state.db'));
    tamper(db);
    db.close();
    await store.start();
    try {
      return await store.cli(['audit', 'verify']);
    } finally {
      await store.daemon!.stop();
    }
  }

  test('the untouched log verifies', async () => {
    const result = await verifyAfter(() => {});
    assert.equal(result.code, 0);
    assert.ok(result.json.data.checked >= 8);
  });

  test('the database refuses UPDATE and DELETE on audit rows', () => {
    const db = new Database(pristine);
    try {
      assert.throws(() => db.prepare("UPDATE audit SET entry = json_set(entry, '$.client_id', 'x') WHERE id = 1").run(), /append-only/);
      assert.throws(() => db.prepare('DELETE FROM audit WHERE id = 1').run(), /append-only/);
    } finally {
      db.close();
    }
  });

  test('an edited entry is pinpointed', async () => {
    const result = await verifyAfter((db) => {
      dropTriggers(db);
      db.prepare("UPDATE audit SET entry = json_set(entry, '$.client_id', 'someone-else') WHERE id = 5").run();
    });
    assert.equal(result.code, 1);
    assert.equal(result.json.error.code, 'AUDIT_TAMPERED');
    assert.match(result.json.error.message, /at entry 5:/);
  });

  test('a deleted entry is pinpointed', async () => {
    const result = await verifyAfter((db) => {
      dropTriggers(db);
      db.prepare('DELETE FROM audit WHERE id = 4').run();
    });
    assert.equal(result.code, 1);
    assert.match(result.json.error.message, /at entry 5: entries 4\.\.4 are missing/);
  });

  test('a deleted entry with the ids renumbered to hide the gap is still caught', async () => {
    const result = await verifyAfter((db) => {
      dropTriggers(db);
      db.prepare('DELETE FROM audit WHERE id = 4').run();
      db.prepare('UPDATE audit SET id = id - 1 WHERE id > 4').run();
    });
    assert.equal(result.code, 1);
    assert.match(result.json.error.message, /at entry 4:/);
  });

  test('reordered entries are pinpointed', async () => {
    const result = await verifyAfter((db) => {
      dropTriggers(db);
      const cols = 'entry, mac';
      const a = db.prepare(`SELECT ${cols} FROM audit WHERE id = 6`).get() as Record<string, unknown>;
      const b = db.prepare(`SELECT ${cols} FROM audit WHERE id = 7`).get() as Record<string, unknown>;
      const set = db.prepare(`UPDATE audit SET ${cols.split(', ').map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`);
      set.run({ ...b, id: 6 });
      set.run({ ...a, id: 7 });
    });
    assert.equal(result.code, 1);
    assert.match(result.json.error.message, /at entry 6:/);
  });

  test('entries cut off the end are detected', async () => {
    const result = await verifyAfter((db) => {
      dropTriggers(db);
      const last = db.prepare('SELECT MAX(id) FROM audit').pluck().get() as number;
      db.prepare('DELETE FROM audit WHERE id >= ?').run(last - 1);
    });
    assert.equal(result.code, 1);
    assert.match(result.json.error.message, /missing/);
  });
});
