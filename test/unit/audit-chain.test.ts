import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestCore, createTestCore } from '../helpers/core.js';

const COLUMNS = ['at', 'action', 'outcome', 'client_id', 'pid', 'secret_name', 'lease_id', 'detail', 'mac'] as const;

describe('audit chain', () => {
  let t: TestCore;
  before(async () => {
    t = await createTestCore();
    t.core.journal.run((tx) => {
      for (let i = 0; i < 60; i++) {
        tx.audit({ action: i % 3 ? 'lease.granted' : 'lease.revoked', client_id: `c${i % 7}`, pid: 1000 + i, secret_name: `s${i % 5}`, lease_id: `L-${i}`, detail: { n: i } });
      }
    });
    t.core.db.exec('DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;');
  });
  after(() => t.dispose());

  test('an intact chain verifies', () => {
    assert.deepEqual(t.core.verifyAudit(), { ok: true, checked: 60, first_bad: null });
  });

  test('any single edit of any field of any entry is detected at that entry (property)', () => {
    const update = (column: string) => t.core.db.prepare(`UPDATE audit SET ${column} = ? WHERE id = ?`);
    for (let trial = 0; trial < 200; trial++) {
      const id = 1 + Math.floor(Math.random() * 60);
      const column = COLUMNS[Math.floor(Math.random() * COLUMNS.length)]!;
      const original = t.core.db.prepare(`SELECT ${column} FROM audit WHERE id = ?`).pluck().get(id);
      const changed =
        column === 'mac' ? Buffer.alloc(32, trial) : column === 'at' || column === 'pid' ? Number(original) + 1 : column === 'detail' ? '{"n":-1}' : `${original}x`;
      update(column).run(changed, id);
      const result = t.core.verifyAudit();
      update(column).run(original, id);
      assert.equal(result.ok, false, `edit of ${column} at ${id} went unnoticed`);
      assert.equal(result.first_bad!.id, id, `edit of ${column} at ${id}`);
    }
    assert.equal(t.core.verifyAudit().ok, true);
  });

  test('filters query by client, secret, action and time, newest tail in order', () => {
    const entries = t.core.audit.query({ clientId: 'c3', action: 'lease.granted', tail: 3 });
    assert.equal(entries.length, 3);
    assert.ok(entries.every((e) => e.client_id === 'c3' && e.action === 'lease.granted'));
    assert.ok(entries[0]!.id < entries[2]!.id);
    assert.equal(entries[2]!.id, Math.max(...t.core.audit.query({ clientId: 'c3', action: 'lease.granted', tail: 1000 }).map((e) => e.id)));
    assert.equal(t.core.audit.query({ afterId: 55 }).length, 5);
    assert.equal(t.core.audit.query({ sinceMs: t.clock.now() + 1 }).length, 0);
  });
});
