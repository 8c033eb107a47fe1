/**
 * audit.query as the window's timeline uses it, against the real daemon: newest-first pages by
 * `before_id`, `from`/`until` time bounds, and `text` search finding one entry among thousands
 * (case-insensitive, `%` and `_` literal) — while the CLI's defaults (oldest first, tail 50) stay.
 * The log is filled through the real AuditLog before the daemon starts, as bench/audit.ts does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { AuditLog, type AuditInput } from '../../electron/daemon/audit/audit.js';
import { deriveAuditKey } from '../../electron/daemon/audit/audit-chain.js';
import { openDb } from '../../electron/daemon/store/db.js';
import { unlockIdentity } from '../../electron/daemon/store/identity.js';
import type { AuditEntryT, ParamsOf } from '../../shared/protocol.js';
import { PASSPHRASE, TestStore } from '../helpers/store.js';

const FILLED = 5_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
/** Entry i (1-based, as its id once filled after init's one entry) is at T0 + i seconds. */
const atOf = (i: number) => T0 + i * 1000;
const NEEDLE = 2_345;
/** What a LIKE pattern with `_` or `%` as wildcards would also match; a literal search must not. */
const DECOYS = [100, 4_000];

function entry(i: number): AuditInput {
  if (i === NEEDLE) return { action: 'lease.granted', client_id: 'agent-7', secret_name: 'token', detail: { note: 'Find_Me 100% here' } };
  if (DECOYS.includes(i)) return { action: 'lease.granted', client_id: 'agent-7', secret_name: 'token', detail: { note: 'findXme 100X here' } };
  return { action: i % 3 === 0 ? 'lease.revoked' : 'lease.granted', client_id: `agent-${i % 10}`, secret_name: 'token', lease_id: `L-${String(i).padStart(12, '0')}`, detail: { ttl: '1h' } };
}

describe('audit.query for the timeline', () => {
  const store = new TestStore();
  let client: RpcClient;
  /** Ids of the filled entries: init wrote entry 1, so the fill is 2..FILLED+1. */
  const filledId = (i: number) => i + 1;
  const query = async (params: ParamsOf<'audit.query'>) => (await client.call('audit.query', params)).entries;

  before(async () => {
    await store.init();
    const key = deriveAuditKey((await unlockIdentity(store.home, PASSPHRASE)).identity);
    const db = openDb(join(store.home, 'state.db'));
    let i = 0;
    const writer = new AuditLog(db, key, () => atOf(i));
    db.transaction(() => {
      for (i = 1; i <= FILLED; i++) writer.append(entry(i));
      writer.commitHead();
    })();
    db.close();
    await store.start();
    client = await RpcClient.connect(store.socket);
  });
  after(async () => {
    client?.close();
    await store.cleanup();
  });

  test('before_id pages are newest first, disjoint, and together the whole log', async () => {
    const newest = await query({ tail: 1000, newest_first: true });
    assert.equal(newest.length, 1000);
    const total = newest[0]!.id;
    assert.ok(total > FILLED, 'the fill plus what init and the daemon wrote');
    const seen: number[] = [];
    let page = newest;
    while (page.length > 0) {
      const ids = page.map((e) => e.id);
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'each page is newest first');
      if (seen.length > 0) assert.ok(ids[0]! < seen.at(-1)!, 'each page is older than the one before');
      seen.push(...ids);
      page = await query({ tail: 1000, newest_first: true, before_id: ids.at(-1)! });
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    assert.deepEqual(await query({ tail: 3, newest_first: true, before_id: 5 }).then((p) => p.map((e) => e.id)), [4, 3, 2]);
  });

  test('without newest_first the answer stays oldest first, as the CLI prints it', async () => {
    const tail = await query({ tail: 5 });
    assert.deepEqual(tail.map((e) => e.id), [0, 1, 2, 3, 4].map((n) => tail[0]!.id + n));
    assert.equal((await query({})).length, 50, 'the default tail');
    const forwards = await query({ after_id: 10 });
    assert.equal(forwards[0]!.id, 11, 'after_id without tail reads forwards');
    assert.deepEqual((await query({ after_id: 10, tail: 2, newest_first: true, before_id: 14 })).map((e) => e.id), [13, 12]);
  });

  test('from and until bound by time, both included, and combine with other filters', async () => {
    const page = await query({ from: new Date(atOf(100)).toISOString(), until: new Date(atOf(199)).toISOString(), newest_first: true, tail: 1000 });
    assert.equal(page.length, 100);
    assert.equal(page[0]!.id, filledId(199));
    assert.equal(page.at(-1)!.id, filledId(100));
    assert.ok(page.every((e) => Date.parse(e.at) >= atOf(100) && Date.parse(e.at) <= atOf(199)));
    const revoked = await query({ from: new Date(atOf(100)).toISOString(), until: new Date(atOf(199)).toISOString(), action: 'lease.revoked', tail: 1000 });
    assert.equal(revoked.length, 33);
    // Without a tail a lower time bound returns the whole range, like `since`.
    assert.equal((await query({ from: new Date(atOf(FILLED - 199)).toISOString() })).length >= 200, true);
    // An offset other than Z means the same instant.
    assert.equal((await query({ from: '2026-01-01T01:00:00.000+01:00', until: new Date(atOf(9)).toISOString() })).length, 9);
  });

  test('text finds the one entry among thousands, case-insensitively, with % and _ literal', async () => {
    const found = await query({ text: 'FIND_ME 100%', tail: 1000, newest_first: true });
    assert.deepEqual(found.map((e) => e.id), [filledId(NEEDLE)]);
    assert.deepEqual(found[0]!.detail, { note: 'Find_Me 100% here' });
    assert.deepEqual((await query({ text: 'find_me', tail: 1000 })).map((e) => e.id), [filledId(NEEDLE)], '_ is not a wildcard');
    assert.deepEqual((await query({ text: '100%', tail: 1000 })).map((e) => e.id), [filledId(NEEDLE)], '% is not a wildcard');
    assert.equal((await query({ text: 'findxme', tail: 1000 })).length, DECOYS.length);
    assert.equal((await query({ text: 'no such words anywhere', tail: 1000 })).length, 0);
    assert.deepEqual((await query({ text: 'find_me', client_id: 'agent-8', tail: 1000 })).length, 0, 'filters combine');
    assert.equal((await query({ text: 'client_id', tail: 1000 })).length, 0, 'field names are not content: every entry has them');
  });

  test('bad bounds are refused with a reason', async () => {
    await assert.rejects(query({ from: new Date(atOf(10)).toISOString(), until: new Date(atOf(5)).toISOString() }), (e: { code: string; message: string }) => e.code === 'INVALID_PARAMS' && /from is after until/.test(e.message));
    await assert.rejects(query({ from: 'yesterday' }), (e: { code: string }) => e.code === 'INVALID_PARAMS');
    await assert.rejects(query({ before_id: 0 }), (e: { code: string }) => e.code === 'INVALID_PARAMS');
    await assert.rejects(query({ text: '' }), (e: { code: string }) => e.code === 'INVALID_PARAMS');
  });

  test('the CLI reads the same log unchanged: oldest first, --jsonl one entry a line', async () => {
    const human = await store.cli(['audit', '--tail', '3', '--json']);
    const entries = human.json.data.entries as AuditEntryT[];
    assert.equal(entries.length, 3);
    assert.ok(entries[0]!.id < entries[2]!.id);
    const jsonl = await store.cli(['audit', '--client', 'agent-7', '--jsonl', '--tail', '5']);
    const lines = jsonl.stdout.trim().split('\n').map((line) => JSON.parse(line) as AuditEntryT);
    assert.equal(lines.length, 5);
    assert.ok(lines.every((e) => e.client_id === 'agent-7'));
    assert.ok(lines[0]!.id < lines[4]!.id);
  });
});
