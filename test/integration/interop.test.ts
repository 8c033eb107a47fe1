/**
 * The store format is plain age: Debian's `age` opens identity.age with the passphrase, and that
 * identity decrypts every stored value. And no value is ever on disk in plaintext.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { assertNoPlaintext } from '../helpers/plaintext.js';
import { PASSPHRASE, TestStore } from '../helpers/store.js';

const VALUES: Record<string, string> = {
  github_token: 'ghp_Interop0123456789abcdefghijklmnopqrstuv',
  stripe_key: 'sk_live_51Hxyz-plaintext-canary-7f3a9',
  multi_line: 'line one\nline two with ünïcødé ✓',
};

function requireTool(name: string): void {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
  } catch {
    assert.fail(`${name} is not installed: .ci/run installs it (apt-get install age)`);
  }
}

/** age reads passphrases only from a terminal, so it runs under `script`, which gives it a pty. */
function ageDecryptWithPassphrase(file: string, out: string, passphrase: string): void {
  execFileSync('script', ['-q', '-e', '-c', `age -d -o '${out}' '${file}'`, '/dev/null'], { input: passphrase + '\n', timeout: 30_000, stdio: ['pipe', 'ignore', 'ignore'] });
}

describe('age interop and no plaintext at rest', () => {
  let store: TestStore;
  let scratch: string;
  before(async () => {
    requireTool('age');
    requireTool('script');
    store = new TestStore();
    await store.init();
    await store.start({ AGENT_SECRETS_LOG_LEVEL: 'debug' });
    scratch = mkdtempSync(join(tmpdir(), 'as-interop-'));
    for (const [name, value] of Object.entries(VALUES)) {
      const added = await store.admin(['add', name], { input: value });
      assert.equal(added.code, 0, added.stderr);
      assert.equal((await store.cli(['lease', name, '--client-id', 'interop'])).stdout, value);
    }
  });
  after(async () => {
    await store.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('no file under the data dir holds a value while the daemon runs (db, WAL, shm, …)', () => {
    assertNoPlaintext(store.home, VALUES);
  });

  test("Debian's age decrypts identity.age with the passphrase, and that identity every stored value", () => {
    const identityFile = join(scratch, 'identity.txt');
    ageDecryptWithPassphrase(join(store.home, 'identity.age'), identityFile, PASSPHRASE);
    const identity = readFileSync(identityFile, 'utf8');
    assert.match(identity, /^AGE-SECRET-KEY-1[0-9A-Z]+$/m);
    assert.match(identity, /^# public key: age1[0-9a-z]+$/m);

    const db = new Database(join(store.home, 'state.db'), { readonly: true, fileMustExist: true });
    const rows = db.prepare('SELECT name, ciphertext FROM secrets').all() as { name: string; ciphertext: Buffer }[];
    db.close();
    assert.equal(rows.length, Object.keys(VALUES).length);
    for (const row of rows) {
      const ciphertextFile = join(scratch, `${row.name}.age`);
      writeFileSync(ciphertextFile, row.ciphertext);
      assert.ok(row.ciphertext.subarray(0, 21).toString() === 'age-encryption.org/v1', 'binary age format');
      const plain = execFileSync('age', ['-d', '-i', identityFile, ciphertextFile]);
      assert.equal(plain.toString('utf8'), VALUES[row.name]);
    }
  });

  test('a wrong passphrase does not open identity.age', () => {
    const out = join(scratch, 'wrong.txt');
    assert.throws(() => ageDecryptWithPassphrase(join(store.home, 'identity.age'), out, 'not the passphrase'));
  });

  test('no plaintext after a clean stop either, nor in the daemon log', async () => {
    const daemon = store.daemon!;
    await daemon.stop();
    assertNoPlaintext(store.home, VALUES);
    assert.ok(daemon.stderr().length > 0, 'the daemon logged something');
    for (const value of Object.values(VALUES)) assert.ok(!daemon.stderr().includes(value));
  });
});
