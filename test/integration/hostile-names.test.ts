/**
 * Hostile secret names: through the CLI (slashes, traversal, control characters, 10 kB names …) and,
 * for NUL bytes that argv cannot carry, over a raw socket, against the real daemon
 * (test/helpers/abuse.ts). Each must be refused with a clear, bounded error that echoes neither the
 * name nor the value, add nothing, and lose nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PASSPHRASE, type TestStore } from '../helpers/store.js';
import { RawClient } from '../helpers/raw-socket.js';
import { CANARY, assertErrorFrame, assertNothingLost, useAbuseStore } from '../helpers/abuse.js';

describe('bad input on the socket and the CLI', () => {
  let store: TestStore;
  useAbuseStore((started) => (store = started));

  describe('hostile secret names through the CLI', () => {
    const TEN_KB = 'n'.repeat(10 * 1024);
    const names: Array<[string, string]> = [
      ['a slash', 'team/prod'],
      ['a leading slash', '/etc/passwd'],
      ['dot-dot traversal', '../../escape'],
      ['just ..', '..'],
      ['just .', '.'],
      ['a leading dot', '.hidden'],
      ['a newline', 'line1\nline2'],
      ['CRLF', 'line1\r\nline2'],
      ['a tab', 'a\tb'],
      ['spaces', 'has space'],
      ['shell metacharacters', '$(touch pwned)'],
      ['non-ASCII', 'ünïcödé'],
      ['an ANSI escape', 'evil\u001b[2J'],
      ['a 10 kB name', TEN_KB],
      ['a 129-character name', 'a'.repeat(129)],
    ];
    for (const [label, name] of names) {
      test(`add with ${label}: exit 2, a clear bounded message, nothing added`, async () => {
        const result = await store.admin(['add', name], { input: 'hostile-value' });
        assert.equal(result.code, 2, `exit ${result.code}: ${result.stderr}`);
        assert.equal(result.json?.ok, false, result.stdout);
        assert.ok(['INVALID_PARAMS', 'INVALID_NAME'].includes(result.json.error.code), result.json.error.code);
        assert.match(result.json.error.message, /\bname\b/);
        assert.match(result.stderr, /^secrets: error: .*name/m);
        // Never echo the 10 kB back: the whole output stays small.
        assert.ok(result.stdout.length < 1500, `stdout is ${result.stdout.length} bytes`);
        assert.ok(result.stderr.length < 1000, `stderr is ${result.stderr.length} bytes`);
        assert.ok(!result.stdout.includes('n'.repeat(200)) && !result.stderr.includes('n'.repeat(200)));
        // The value is never echoed either.
        assert.ok(!result.stdout.includes('hostile-value') && !result.stderr.includes('hostile-value'));
      });
    }

    test('a name that starts with "-" (after --) is refused the same way', async () => {
      const result = await store.cli(['add', '--passphrase-file', store.passphraseFile, '--', '-rf'], { input: 'v' });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.json.error.message, /secret names are/);
    });

    test('lease with hostile names: exit 2, nothing leased', async () => {
      for (const name of ['../../escape', 'a/b', TEN_KB, 'x\ny']) {
        const result = await store.cli(['lease', name, '--client-id', 'hostile']);
        assert.equal(result.code, 2, `lease ${JSON.stringify(name.slice(0, 20))}: exit ${result.code} ${result.stderr}`);
        assert.equal(result.stdout, '', 'a failed raw lease must print nothing on stdout');
        assert.ok(result.stderr.length < 1000);
      }
      const leases = await store.cli(['leases', '--client', 'hostile', '--json']);
      assert.deepEqual(leases.json.data.leases, []);
    });

    test('NUL bytes in names over the socket (argv cannot carry them): INVALID_PARAMS, nothing added', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        const auth = { passphrase: PASSPHRASE };
        let id = 300;
        for (const name of ['a\u0000b', 'ok\u0000', '\u0000', 'canary_token\u0000../x', `${'z'.repeat(100)}\u0000`]) {
          const frame = await client.request(++id, 'secrets.add', { name, value: 'nul-value' }, auth);
          const error = assertErrorFrame(frame, 'INVALID_PARAMS', -32602, id);
          assert.match(error.data.message, /secrets\.add: name: secret names are/);
          assert.ok(!error.data.message.includes('\u0000'), 'the NUL is echoed back');
        }
        const lease = await client.request(++id, 'lease.grant', { secret_name: `${CANARY}\u0000`, client_id: 'nul' });
        assertErrorFrame(lease, 'INVALID_PARAMS', -32602, id);
        const value = await client.request(++id, 'secrets.add', { name: 'nul_value', value: 'a\u0000b' }, auth);
        assert.match(assertErrorFrame(value, 'INVALID_PARAMS', -32602, id).data.message, /secrets\.add: value: values cannot contain NUL/);
        assert.equal((await client.request(++id, 'health')).result?.ok, true);
      } finally {
        client.destroy();
      }
    });

    test('after all the hostile names: list shows none of them, the daemon serves, nothing is lost', async () => {
      const list = await store.cli(['list', '--json']);
      assert.equal(list.code, 0, list.stderr);
      assert.deepEqual(
        list.json.data.secrets.map((s: { name: string }) => s.name),
        [CANARY],
      );
      const status = await store.cli(['status', '--json']);
      assert.equal(status.code, 0);
      assert.equal(status.json.data.counts.secrets, 1);
      const audit = await store.cli(['audit', '--tail', '1000', '--json']);
      assert.equal(audit.code, 0, audit.stderr);
      const added = audit.json.data.entries.filter((e: { action: string; outcome: string }) => e.action.startsWith('secret') && e.outcome === 'ok');
      assert.deepEqual(added.map((e: { secret_name: string }) => e.secret_name), [CANARY]);
      await assertNothingLost(store);
    });
  });
});
