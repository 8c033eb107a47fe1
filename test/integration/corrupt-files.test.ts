/**
 * Damaged store files: a truncated identity.age, a config.json that is not JSON or not config, a
 * state.db with a damaged page, cut short, or beside a garbage -wal. `serve` must refuse with an
 * error naming the file and what to do, never a stack trace, and must leave the damaged file byte for
 * byte as it was (no repair, no checkpoint over it, no deleted WAL). Damage SQLite only meets while
 * serving (a big store's audit pages are not all read at start) fails that request, not the daemon.
 * (Bad config keys and values: faults.test.ts.)
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { type CliResult, TestStore } from '../helpers/store.js';

const CANARY_VALUE = 'corrupt "canary" ü 🔑';

const sha256 = (path: string) => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'absent');

async function serveRefusing(store: TestStore): Promise<CliResult> {
  const result = await store.cli(['serve', '--foreground', '--json', '--passphrase-file', store.passphraseFile], { timeoutMs: 15_000 });
  assert.equal(result.signal, null, `serve did not exit on its own: ${result.stderr}`);
  assert.notEqual(result.code, 0, `serve should have refused: ${result.stdout}`);
  assert.doesNotMatch(result.stderr, /^\s+at |unexpected (failure|error)|internal error/im, result.stderr);
  assert.equal(result.json?.ok, false, `expected a JSON error envelope: ${result.stdout}`);
  assert.equal(existsSync(store.socket), false, 'a refused daemon must not create its socket');
  return result;
}

/** Damages files with `damage`, expects serve to refuse naming `file`, checks the files are untouched. */
async function expectRefusal(store: TestStore, damage: () => void, watched: string[], expect: { code: string; message: RegExp; hint: RegExp }): Promise<void> {
  damage();
  const hashes = watched.map(sha256);
  const result = await serveRefusing(store);
  assert.equal(result.json.error.code, expect.code, result.stdout);
  assert.match(result.json.error.message, expect.message);
  assert.match(result.json.error.hint, expect.hint);
  assert.deepEqual(watched.map(sha256), hashes, 'serve changed the damaged files');
}

/** Pages of `table`'s b-tree (dbstat), on a copy of the database. */
function pagesOf(dbPath: string, table: string): { pageSize: number; pages: number[] } {
  const db = new Database(dbPath, { readonly: true });
  try {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype IN ('leaf', 'internal') ORDER BY pageno").pluck().all(table) as number[];
    return { pageSize, pages };
  } finally {
    db.close();
  }
}

function overwritePage(dbPath: string, page: number, pageSize: number): void {
  const bytes = readFileSync(dbPath);
  randomBytes(64).copy(bytes, (page - 1) * pageSize);
  writeFileSync(dbPath, bytes);
}

describe('damaged store files: serve refuses, says what to do, and leaves the evidence as it was', () => {
  let store: TestStore;
  const pristine = new Map<string, Buffer>();
  const path = (name: string) => join(store.home, name);

  before(async () => {
    store = new TestStore();
    await store.init();
    await store.start();
    assert.equal((await store.admin(['add', 'canary'], { input: CANARY_VALUE })).code, 0);
    for (let i = 0; i < 5; i++) assert.equal((await store.cli(['lease', 'canary', '--client-id', 'corrupt-agent'])).code, 0);
    await store.daemon!.stop('SIGTERM');
    assert.equal(existsSync(path('state.db-wal')), false, 'a clean stop leaves no WAL');
    for (const name of ['identity.age', 'config.json', 'state.db']) pristine.set(name, readFileSync(path(name)));
  });

  /** Puts every file back as the clean stop left it. */
  function restore(): void {
    for (const [name, bytes] of pristine) writeFileSync(path(name), bytes, { mode: 0o600 });
    for (const extra of ['state.db-wal', 'state.db-shm']) rmSync(path(extra), { force: true });
  }

  after(async () => {
    await store?.cleanup();
  });

  const identityCuts: Array<[string, (sealed: Buffer) => Buffer, RegExp]> = [
    ['0 bytes', () => Buffer.alloc(0), /empty/],
    ['cut inside the header', (s) => s.subarray(0, 30), /cut short inside the age header/],
    ['the header only', (s) => s.subarray(0, s.indexOf('\n---') + s.subarray(s.indexOf('\n---') + 1).indexOf('\n') + 2), /cut short after the age header/],
    ['cut in the payload', (s) => s.subarray(0, s.length - 10), /cannot be decrypted/],
  ];
  for (const [label, cut, message] of identityCuts) {
    test(`identity.age ${label}: STORE_CORRUPT naming it, restore it from a backup`, async () => {
      try {
        await expectRefusal(store, () => writeFileSync(path('identity.age'), cut(pristine.get('identity.age')!)), [path('identity.age'), path('state.db')], {
          code: 'STORE_CORRUPT',
          message: new RegExp(`identity\\.age is damaged: .*${message.source}`),
          hint: /restore identity\.age from a backup/,
        });
      } finally {
        restore();
      }
    });
  }

  const configs: Array<[string, Buffer | string, RegExp]> = [
    ['binary garbage', Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0xfe, 0x1b]), randomBytes(200)]), /config\.json is not valid JSON: it holds binary data/],
    ['JSON cut short', '{"default_lease_ttl": "1h", "max_lease_ttl"', /config\.json is not valid JSON: /],
    ['a JSON string', '"hello"', /config\.json: \(top level\): /],
    ['null', 'null', /config\.json: \(top level\): /],
    ['a list where an object goes', '{"heartbeat": []}', /config\.json: heartbeat: /],
  ];
  for (const [label, content, message] of configs) {
    test(`config.json with ${label}: INVALID_CONFIG naming the file, left as it was`, async () => {
      try {
        await expectRefusal(store, () => writeFileSync(path('config.json'), content), [path('config.json')], { code: 'INVALID_CONFIG', message, hint: /^fix .*delete/ });
        const result = await serveRefusing(store);
        assert.doesNotMatch(result.stderr, /[\u0000-\u0008\u001b]/, 'the error echoes the binary file');
      } finally {
        restore();
      }
    });
  }

  for (const table of ['secrets', 'leases', 'audit']) {
    test(`state.db with a damaged page of the ${table} table: STORE_CORRUPT, the file byte-identical`, async () => {
      try {
        const { pageSize, pages } = pagesOf(path('state.db'), table);
        const page = pages.find((p) => p !== 1)!;
        await expectRefusal(store, () => overwritePage(path('state.db'), page, pageSize), [path('state.db')], {
          code: 'STORE_CORRUPT',
          message: /state\.db is damaged: SQLite's check found: .*the daemon did not start and changed nothing/,
          hint: /restore state\.db from a backup/,
        });
        // A read-only SQLite connection may create an empty -wal beside it; nothing may be written into one.
        assert.equal(existsSync(path('state.db-wal')) ? statSync(path('state.db-wal')).size : 0, 0, 'a WAL was written beside the damaged file');
      } finally {
        restore();
      }
    });
  }

  const dbCuts: Array<[string, () => void, RegExp]> = [
    ['truncated to 0 bytes', () => truncateSync(path('state.db'), 0), /the file is empty/],
    ['cut mid-page', () => truncateSync(path('state.db'), statSync(path('state.db')).size - 1000), /cut short \(\d+ bytes is not a whole number/],
    ['cut to fewer pages', () => truncateSync(path('state.db'), statSync(path('state.db')).size - 4 * 4096), /cut short \(\d+ of its \d+ pages/],
    ['overwritten from the start', () => writeFileSync(path('state.db'), randomBytes(8192)), /not an SQLite database/],
  ];
  for (const [label, damage, message] of dbCuts) {
    test(`state.db ${label}: STORE_CORRUPT saying so, the file byte-identical`, async () => {
      try {
        await expectRefusal(store, damage, [path('state.db')], { code: 'STORE_CORRUPT', message, hint: /restore state\.db from a backup/ });
      } finally {
        restore();
      }
    });
  }

  test('state.db gone from beside the identity: STORE_CORRUPT saying so; no empty store is created in its place', async () => {
    try {
      await expectRefusal(store, () => rmSync(path('state.db')), [path('state.db'), path('identity.age')], {
        code: 'STORE_CORRUPT',
        message: /state\.db is missing beside the store's identity/,
        hint: /restore state\.db from a backup/,
      });
      assert.equal(existsSync(path('state.db')), false);
    } finally {
      restore();
    }
  });

  test('a garbage state.db-wal: STORE_CORRUPT naming it; neither it nor state.db is touched', async () => {
    try {
      await expectRefusal(store, () => writeFileSync(path('state.db-wal'), randomBytes(3 * 4096 + 32)), [path('state.db-wal'), path('state.db')], {
        code: 'STORE_CORRUPT',
        message: /state\.db-wal is damaged: it is not an SQLite write-ahead log/,
        hint: /restore state\.db-wal from a backup/,
      });
    } finally {
      restore();
    }
  });

  test('after every refusal, the restored store starts and serves its values', async () => {
    await store.start();
    const lease = await store.cli(['lease', 'canary', '--client-id', 'corrupt-agent']);
    assert.equal(lease.code, 0, lease.stderr);
    assert.equal(lease.stdout, CANARY_VALUE);
    const verify = await store.cli(['audit', 'verify', '--json']);
    assert.equal(verify.json.data.ok, true);
    await store.daemon!.stop('SIGTERM');
  });
});

describe('damage SQLite meets while serving: that request fails clearly, the daemon keeps serving', () => {
  let store: TestStore;

  before(async () => {
    store = new TestStore();
    await store.init();
    await store.start();
    assert.equal((await store.admin(['add', 'canary'], { input: CANARY_VALUE })).code, 0);
    // Enough audit pages that a middle one is not read at start or by a lease.
    for (let i = 0; i < 60; i++) assert.equal((await store.cli(['lease', 'canary', '--client-id', `serving-agent-${i % 3}`])).code, 0);
    await store.daemon!.stop('SIGTERM');
    // Past the size the start-up check reads in full (integrity.ts): active leases inserted directly.
    const db = new Database(join(store.home, 'state.db'));
    const insert = db.prepare("INSERT INTO leases (lease_id, secret_name, client_id, created_at, expires_at, status) VALUES (?, 'canary', 'filler', ?, ?, 'expired')");
    db.transaction(() => {
      for (let i = 0; i < 150_000; i++) insert.run(`L-filler${String(i).padStart(12, '0')}`, Date.now(), Date.now());
    })();
    db.close();
    assert.ok(statSync(join(store.home, 'state.db')).size > 8 * 1024 * 1024);
    const { pageSize, pages } = pagesOf(join(store.home, 'state.db'), 'audit');
    assert.ok(pages.length >= 3, `only ${pages.length} audit pages`);
    overwritePage(join(store.home, 'state.db'), pages[1]!, pageSize);
    await store.start();
  });

  after(async () => {
    await store?.cleanup();
  });

  test('reading the damaged audit pages is STORE_CORRUPT for that request; leases and status still work', async () => {
    for (const args of [['audit', 'verify', '--json'], ['audit', '--tail', '10000', '--json']]) {
      const result = await store.cli(args);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}`);
      assert.equal(result.json.error.code, 'STORE_CORRUPT', result.stdout);
      assert.match(result.json.error.message, /the store's database is damaged .*the request was not served/);
      assert.match(result.json.error.hint, /keep .* as it is .*restore state\.db from a backup/);
      assert.doesNotMatch(result.stderr, /^\s+at |internal error/im);
    }
    const lease = await store.cli(['lease', 'canary', '--client-id', 'serving-agent-0']);
    assert.equal(lease.code, 0, lease.stderr);
    assert.equal(lease.stdout, CANARY_VALUE);
    assert.equal((await store.cli(['status', '--json'])).code, 0);
    assert.equal(store.daemon!.child.exitCode, null, 'the daemon died');
  });
});
