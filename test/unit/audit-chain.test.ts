import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deriveAuditKey } from '../../electron/daemon/audit/audit-chain.js';
import { verifyAuditChain, verifyAuditChainParallel } from '../../electron/daemon/audit/audit-verify.js';
import { type TestCore, createTestCore } from '../helpers/core.js';


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
  const key = () => deriveAuditKey(t.identity);

  test('an intact chain verifies', async () => {
    assert.deepEqual(await t.core.verifyAudit(), { ok: true, checked: 60, first_bad: null });
  });

  test('any single edit of any entry or its MAC is detected at that entry (property)', async () => {
    const read = t.core.db.prepare('SELECT entry, mac FROM audit WHERE id = ?');
    const write = t.core.db.prepare('UPDATE audit SET entry = ?, mac = ? WHERE id = ?');
    for (let trial = 0; trial < 300; trial++) {
      const id = 1 + Math.floor(Math.random() * 60);
      const original = read.get(id) as { entry: string; mac: string };
      const field = trial % 2 === 0 ? 'entry' : 'mac';
      const text = original[field];
      // Swap a letter for a letter or a digit 1-9 for another: the JSON stays valid (SQLite checks it).
      const candidates = [...text].flatMap((c, i) => (/[a-z1-9]/.test(c) ? [i] : []));
      const at = candidates[Math.floor(Math.random() * candidates.length)]!;
      const replacement = /[1-9]/.test(text[at]!) ? (text[at] === '9' ? '1' : String(Number(text[at]) + 1)) : text[at] === 'z' ? 'a' : String.fromCharCode(text.charCodeAt(at) + 1);
      const edited = text.slice(0, at) + replacement + text.slice(at + 1);
      write.run(field === 'entry' ? edited : original.entry, field === 'mac' ? edited : original.mac, id);
      const result = verifyAuditChain(t.core.db, key());
      write.run(original.entry, original.mac, id);
      assert.equal(result.ok, false, `edit of ${field} at ${id}:${at} went unnoticed`);
      assert.equal(result.first_bad!.id, id, `edit of ${field} at ${id}:${at}`);
    }
    assert.equal((await t.core.verifyAudit()).ok, true);
  });

  test('parallel verification over ranges finds the same first bad entry', async () => {
    const parallel = () => verifyAuditChainParallel(t.core.db, t.core.dbPath, key(), { threads: 3, threshold: 0 });
    assert.deepEqual(await parallel(), { ok: true, checked: 60, first_bad: null });
    const read = t.core.db.prepare('SELECT entry FROM audit WHERE id = ?').pluck();
    const write = t.core.db.prepare('UPDATE audit SET entry = ? WHERE id = ?');
    for (const id of [1, 20, 21, 40, 41, 60]) {
      const original = read.get(id) as string;
      write.run(original.replace('"outcome":"ok"', '"outcome":"denied"'), id);
      const result = await parallel();
      write.run(original, id);
      assert.equal(result.first_bad?.id, id, `tampered entry ${id}`);
    }
  });

  test('queries return the authenticated entry text, and the indexes follow it', () => {
    const entry = t.core.audit.query({ clientId: 'c3', tail: 1 })[0]!;
    assert.equal(entry.client_id, 'c3');
    assert.deepEqual(entry.detail, { n: (entry.pid as number) - 1000 });
    assert.throws(() => t.core.db.prepare("UPDATE audit SET client_id = 'x' WHERE id = 1").run(), /generated column/);
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
