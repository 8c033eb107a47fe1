import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type StartFacts, firstRunSteps, rememberPolicy } from '../../electron/main/first-run.js';

const keyring = { available: true, backend: 'gnome_libsecret' };
const basicText = { available: true, backend: 'basic_text' };
const facts = (over: Partial<StartFacts>): StartFacts => ({
  store: 'passphrase',
  savedPassphrase: 'none',
  safeStorage: keyring,
  headlessDaemonRunning: false,
  ...over,
});
const kinds = (f: StartFacts) => firstRunSteps(f).map((s) => s.kind);

describe('first run: which keyrings may hold the passphrase', () => {
  test('OS keychains and Linux keyrings may', () => {
    for (const backend of ['os', 'gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) {
      assert.deepEqual(rememberPolicy({ available: true, backend }), { allowed: true }, backend);
    }
  });

  test('basic_text, unknown, an unfamiliar backend, or no encryption at all may not, and each says why', () => {
    const basic = rememberPolicy(basicText);
    assert.equal(basic.allowed, false);
    assert.match(!basic.allowed ? basic.why : '', /no keyring/i);
    for (const safeStorage of [{ available: true, backend: 'unknown' }, { available: true, backend: 'gnome_keyring_2030' }, { available: false, backend: 'os' }, { available: false, backend: 'gnome_libsecret' }]) {
      const policy = rememberPolicy(safeStorage);
      assert.equal(policy.allowed, false, JSON.stringify(safeStorage));
      assert.ok(!policy.allowed && policy.why.length > 20);
    }
  });
});

describe('first run: steps at start', () => {
  test('no store: create it with a passphrase, offer to remember it, then offer the CLI and start at login', () => {
    assert.deepEqual(firstRunSteps(facts({ store: 'none' })), [
      { kind: 'create-store', askPassphrase: true, offerRemember: true },
      { kind: 'offer-cli-install' },
      { kind: 'offer-start-at-login' },
    ]);
  });

  test('no store on Linux without a keyring (basic_text): create it, no Remember, and say why', () => {
    const [create, ...rest] = firstRunSteps(facts({ store: 'none', safeStorage: basicText }));
    assert.equal(create?.kind, 'create-store');
    assert.equal(create.kind === 'create-store' && create.offerRemember, false);
    assert.match(create.kind === 'create-store' ? create.note ?? '' : '', /asked at each start/);
    assert.deepEqual(rest.map((s) => s.kind), ['offer-cli-install', 'offer-start-at-login']);
  });

  test('a saved passphrase with a keyring unlocks from it, and falls back to asking if it does not work', () => {
    const [unlock] = firstRunSteps(facts({ savedPassphrase: 'present' }));
    assert.equal(unlock?.kind, 'unlock');
    if (unlock?.kind !== 'unlock') return;
    assert.equal(unlock.from, 'saved');
    assert.equal(unlock.offerRemember, false);
    assert.equal(unlock.fallback?.from, 'ask');
    assert.equal(unlock.fallback?.offerRemember, true, 'asked again, it can be saved again');
    assert.match(unlock.fallback?.note ?? '', /did not unlock/);
  });

  test('a saved passphrase that cannot be decrypted: ask, say so, offer to remember it again', () => {
    const steps = firstRunSteps(facts({ savedPassphrase: 'unreadable' }));
    assert.equal(steps.length, 1);
    assert.deepEqual({ ...steps[0], note: undefined }, { kind: 'unlock', from: 'ask', offerRemember: true, note: undefined });
    assert.match((steps[0] as { note?: string }).note ?? '', /could not be read/);
  });

  test('nothing saved: ask, offer Remember, no note', () => {
    assert.deepEqual(firstRunSteps(facts({ savedPassphrase: 'none' })), [{ kind: 'unlock', from: 'ask', offerRemember: true }]);
  });

  test('basic_text: a saved passphrase is not used, the person is asked and told why, never offered Remember', () => {
    for (const savedPassphrase of ['present', 'unreadable', 'none'] as const) {
      const steps = firstRunSteps(facts({ savedPassphrase, safeStorage: basicText }));
      assert.equal(steps.length, 1);
      const [step] = steps;
      assert.ok(step?.kind === 'unlock');
      assert.equal(step.from, 'ask', savedPassphrase);
      assert.equal(step.offerRemember, false, savedPassphrase);
      assert.match(step.note ?? '', /no keyring/i, savedPassphrase);
    }
  });

  test('safeStorage unavailable: ask each start, never Remember', () => {
    const [step] = firstRunSteps(facts({ savedPassphrase: 'present', safeStorage: { available: false, backend: 'os' } }));
    assert.ok(step?.kind === 'unlock');
    assert.equal(step.from, 'ask');
    assert.equal(step.offerRemember, false);
    assert.match(step.note ?? '', /no keychain/);
  });

  test('an insecure keyfile store is adopted with a loud warning, no passphrase asked or saved', () => {
    const steps = firstRunSteps(facts({ store: 'insecure-keyfile', savedPassphrase: 'present' }));
    assert.equal(steps.length, 1);
    assert.ok(steps[0]?.kind === 'adopt-insecure-keyfile');
    assert.match(steps[0].warn, /unencrypted/);
  });

  test('a headless daemon on the data dir is taken over first, before anything else', () => {
    assert.deepEqual(kinds(facts({ headlessDaemonRunning: true })), ['take-over-headless', 'unlock']);
    assert.deepEqual(kinds(facts({ headlessDaemonRunning: true, store: 'insecure-keyfile' })), ['take-over-headless', 'adopt-insecure-keyfile']);
    const [takeOver] = firstRunSteps(facts({ headlessDaemonRunning: true }));
    assert.match(takeOver?.kind === 'take-over-headless' ? takeOver.message : '', /secrets serve/);
  });

  test('the CLI and start-at-login are offered only when the app creates the store', () => {
    for (const store of ['passphrase', 'insecure-keyfile'] as const) {
      assert.ok(!kinds(facts({ store })).includes('offer-cli-install'), store);
      assert.ok(!kinds(facts({ store })).includes('offer-start-at-login'), store);
    }
  });
});
