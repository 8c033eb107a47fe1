/**
 * The value cache does not bring a value back: a decrypt still in flight when its secret is removed,
 * replaced or the cache cleared (killswitch lock or wipe) does not put what it read into the cache,
 * and the store does not hand it out. Decrypts are held in flight by the test.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Decrypter, identityToRecipient } from 'age-encryption';
import { ValueCipher } from '../../electron/daemon/secrets/value-cipher.js';
import { SecretsStore } from '../../electron/daemon/secrets/secrets-store.js';
import { ageDecryptText } from '../../electron/daemon/store/age-io.js';
import { type TestCore, createTestCore } from '../helpers/core.js';

let t: TestCore;
before(async () => {
  t = await createTestCore();
});
after(() => t.dispose());

/** A cipher whose decrypts wait until the test releases them. */
async function heldCipher() {
  const decrypter = new Decrypter();
  decrypter.addIdentity(t.identity);
  const held: (() => void)[] = [];
  const waiters: (() => void)[] = [];
  const cipher = new ValueCipher(t.identity, await identityToRecipient(t.identity), async (ciphertext) => {
    await new Promise<void>((resolve) => {
      held.push(resolve);
      for (const wake of waiters.splice(0)) wake();
    });
    return ageDecryptText(decrypter, ciphertext);
  });
  return {
    cipher,
    /** Waits until a decrypt is in flight, then returns its release. */
    async inFlight(): Promise<() => void> {
      while (held.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
      return held.shift()!;
    },
  };
}

test('a decrypt that finishes after forget() or clear() does not cache its value', async () => {
  for (const change of ['forget', 'clear'] as const) {
    const { cipher, inFlight } = await heldCipher();
    const ciphertext = await cipher.encrypt('value-in-flight');
    const reading = cipher.decrypt('s', ciphertext);
    const release = await inFlight();
    if (change === 'forget') cipher.forget('s');
    else cipher.clear();
    release();
    assert.deepEqual(await reading, { value: 'value-in-flight', current: false });
    assert.equal(cipher.cached('s'), undefined, `after ${change}`);
  }
});

test('a decrypt that finishes after a new value is remembered does not overwrite it', async () => {
  const { cipher, inFlight } = await heldCipher();
  const reading = cipher.decrypt('s', await cipher.encrypt('old-value'));
  const release = await inFlight();
  cipher.remember('s', 'new-value');
  release();
  assert.equal((await reading).current, false);
  assert.equal(cipher.cached('s'), 'new-value');
});

test('an undisturbed decrypt is cached; a forgotten, then re-read value is cached again', async () => {
  const { cipher, inFlight } = await heldCipher();
  const ciphertext = await cipher.encrypt('steady-value');
  const first = cipher.decrypt('s', ciphertext);
  (await inFlight())();
  assert.deepEqual(await first, { value: 'steady-value', current: true });
  assert.equal(cipher.cached('s'), 'steady-value');
  cipher.forget('s');
  const again = cipher.decrypt('s', ciphertext);
  (await inFlight())();
  assert.equal((await again).current, true);
  assert.equal(cipher.cached('s'), 'steady-value');
});

test('the store: a secret removed while its value is read is not handed out, nor cached', async () => {
  const { cipher, inFlight } = await heldCipher();
  const store = new SecretsStore(t.core.db, t.core.journal, cipher, () => t.clock.now());
  await store.add({ name: 'doomed', value: 'doomed-value' });
  cipher.clear(); // as after a restart: the next read decrypts
  const reading = store.value('doomed');
  const release = await inFlight();
  t.core.journal.run((tx) => store.removeInTx(tx, 'doomed'));
  release();
  await assert.rejects(reading, { code: 'SECRET_NOT_FOUND' });
  assert.equal(cipher.cached('doomed'), undefined);
});

test('the store: a wipe (rows deleted, cache cleared) during a read leaves nothing behind', async () => {
  const { cipher, inFlight } = await heldCipher();
  const store = new SecretsStore(t.core.db, t.core.journal, cipher, () => t.clock.now());
  await store.add({ name: 'wiped', value: 'wiped-value' });
  cipher.clear();
  const reading = store.value('wiped');
  const release = await inFlight();
  t.core.db.prepare('DELETE FROM secrets WHERE name = ?').run('wiped');
  cipher.clear();
  release();
  await assert.rejects(reading, { code: 'SECRET_NOT_FOUND' });
  assert.equal(cipher.cached('wiped'), undefined);
});

test('the store: a value replaced while it is read returns the new value', async () => {
  const { cipher, inFlight } = await heldCipher();
  const store = new SecretsStore(t.core.db, t.core.journal, cipher, () => t.clock.now());
  await store.add({ name: 'changing', value: 'first-value' });
  cipher.clear();
  const reading = store.value('changing');
  const release = await inFlight();
  await store.set('changing', 'second-value');
  release();
  assert.equal(await reading, 'second-value');
  assert.equal(cipher.cached('changing'), 'second-value');
});
