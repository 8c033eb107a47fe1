/**
 * Bad frames: the real daemon (test/helpers/abuse.ts), spoken to over raw socket connections that
 * break the protocol on purpose: garbage, wrong JSON-RPC shapes, unknown methods, invalid params and
 * oversized frames, next to framing that is legal. Every abuse must get a clear error, leave the
 * daemon serving, and lose nothing: a secret added beforehand still leases with its exact value and
 * the audit chain verifies.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PASSPHRASE, type TestStore } from '../helpers/store.js';
import { RawClient } from '../helpers/raw-socket.js';
import { CANARY, FRAME_MS, MAX_FRAME, assertErrorFrame, assertNothingLost, expectProtocolError, health, useAbuseStore } from '../helpers/abuse.js';

describe('bad input on the socket and the CLI', () => {
  let store: TestStore;
  useAbuseStore((started) => (store = started));

  describe('malformed JSON', () => {
    const cases: Array<[string, string | Buffer]> = [
      ['truncated object', '{"jsonrpc":"2.0","id":1,"method":"health"\n'],
      ['plain text', 'hello daemon\n'],
      ['single quotes', "{'jsonrpc':'2.0','id':1,'method':'health'}\n"],
      ['trailing garbage', '{"jsonrpc":"2.0","id":1,"method":"health"}}\n'],
      ['binary bytes', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x0a])],
      ['unbalanced deep nesting', '['.repeat(60_000) + '\n'],
    ];
    for (const [label, payload] of cases) {
      test(`${label}: PARSE_ERROR frame, then the daemon closes the connection`, async () => {
        const error = await expectProtocolError(store, payload, 'PARSE_ERROR', -32700);
        assert.match(error.data.message, /not valid JSON/);
        assert.ok(error.data.hint, 'a parse error carries a hint');
      });
    }

    test('garbage on one connection does not disturb another connection', async () => {
      const bystander = await RawClient.connect(store.socket);
      try {
        assert.equal((await bystander.request(1, 'health')).result?.ok, true);
        await expectProtocolError(store, '}{\n', 'PARSE_ERROR', -32700);
        assert.equal((await bystander.request(2, 'health')).result?.ok, true);
        assert.equal(bystander.endedAt, null);
      } finally {
        bystander.destroy();
      }
      await assertNothingLost(store);
    });

    test('deeply nested but valid JSON is an INVALID_REQUEST, not a crash', async () => {
      const error = await expectProtocolError(store, '['.repeat(30_000) + ']'.repeat(30_000) + '\n', 'INVALID_REQUEST', -32600);
      assert.match(error.data.message, /batches are not supported/);
      await assertNothingLost(store);
    });
  });

  describe('wrong JSON-RPC shapes', () => {
    // [label, line, expected id in the error, text the message must contain]
    const cases: Array<[string, unknown, unknown, RegExp]> = [
      ['a batch (array of requests)', [{ jsonrpc: '2.0', id: 1, method: 'health' }], null, /batches are not supported/],
      ['an empty batch', [], null, /batches are not supported/],
      ['a bare string', 'health', null, /must be a JSON object/],
      ['a bare number', 42, null, /must be a JSON object/],
      ['null', null, null, /must be a JSON object/],
      ['missing jsonrpc', { id: 3, method: 'health' }, 3, /"jsonrpc"/],
      ['jsonrpc 1.0', { jsonrpc: '1.0', id: 4, method: 'health' }, 4, /"jsonrpc"/],
      ['jsonrpc as a number', { jsonrpc: 2, id: 5, method: 'health' }, 5, /"jsonrpc"/],
      ['missing id (a notification)', { jsonrpc: '2.0', method: 'health' }, null, /"id"/],
      ['null id', { jsonrpc: '2.0', id: null, method: 'health' }, null, /"id"/],
      ['object id', { jsonrpc: '2.0', id: { a: 1 }, method: 'health' }, null, /"id"/],
      ['array id', { jsonrpc: '2.0', id: [1], method: 'health' }, null, /"id"/],
      ['boolean id', { jsonrpc: '2.0', id: true, method: 'health' }, null, /"id"/],
      ['a 10 kB string id', { jsonrpc: '2.0', id: 'i'.repeat(10_240), method: 'health' }, null, /"id"/],
      ['missing method', { jsonrpc: '2.0', id: 6 }, 6, /"method"/],
      ['numeric method', { jsonrpc: '2.0', id: 7, method: 42 }, 7, /"method"/],
      ['params as an array', { jsonrpc: '2.0', id: 8, method: 'health', params: [] }, 8, /"params"/],
      ['params as a string', { jsonrpc: '2.0', id: 9, method: 'health', params: 'x' }, 9, /"params"/],
      ['params as null', { jsonrpc: '2.0', id: 10, method: 'health', params: null }, 10, /"params"/],
      ['params as a number', { jsonrpc: '2.0', id: 11, method: 'health', params: 1 }, 11, /"params"/],
      ['auth as a string', { jsonrpc: '2.0', id: 12, method: 'health', auth: PASSPHRASE }, 12, /"auth"/],
    ];
    for (const [label, message, id, text] of cases) {
      test(`${label}: INVALID_REQUEST naming the problem, then disconnect`, async () => {
        const error = await expectProtocolError(store, JSON.stringify(message) + '\n', 'INVALID_REQUEST', -32600, id);
        assert.match(error.data.message, text);
        // Never echo a huge id back.
        assert.ok(!error.data.message.includes('iiiiiiiiii'));
      });
    }

    test('an id of 1e400 (not a finite number) is refused', async () => {
      const error = await expectProtocolError(store, '{"jsonrpc":"2.0","id":1e400,"method":"health"}\n', 'INVALID_REQUEST', -32600, null);
      assert.match(error.data.message, /"id"/);
    });

    test('after all the wrong shapes nothing is lost', async () => {
      await assertNothingLost(store);
    });
  });

  describe('framing that is legal', () => {
    test('two requests in one write, blank lines and CRLF are all handled on one connection', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        await client.send(health(1) + health(2) + '\n\n' + health(3).replace('\n', '\r\n'));
        for (const id of [1, 2, 3]) assert.equal((await client.waitFor((f) => f.id === id, `#${id}`)).result?.ok, true);
        assert.equal(client.frames.length, 3);
        assert.equal(client.endedAt, null);
      } finally {
        client.destroy();
      }
    });

    test('a string id is echoed back exactly', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        const frame = await client.request('req-ünï-"1"', 'health');
        assert.equal(frame.id, 'req-ünï-"1"');
        assert.equal(frame.result?.ok, true);
      } finally {
        client.destroy();
      }
    });
  });

  describe('unknown methods', () => {
    test('METHOD_NOT_FOUND for each, bounded messages, and the connection stays usable', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        const names = ['nope', 'secrets.drop_all', '__proto__', 'constructor', 'hasOwnProperty', 'toString', '', 'HEALTH', 'health ', 'm'.repeat(10_240)];
        let id = 100;
        for (const name of names) {
          const frame = await client.request(++id, name, {});
          const error = assertErrorFrame(frame, 'METHOD_NOT_FOUND', -32601, id);
          assert.match(error.data.message, /unknown method/);
          assert.ok(!error.data.message.includes('m'.repeat(100)), 'the 10 kB method name is echoed back');
        }
        const ok = await client.request(++id, 'health');
        assert.equal(ok.result?.ok, true);
        assert.equal(client.endedAt, null, 'an unknown method must not cost the client its connection');
      } finally {
        client.destroy();
      }
      await assertNothingLost(store);
    });
  });

  describe('invalid params', () => {
    test('INVALID_PARAMS naming the field, and the connection stays usable', async () => {
      const cases: Array<[string, unknown, RegExp]> = [
        ['health', { extra: 1 }, /health: unknown field\(s\) extra/],
        ['health', JSON.parse('{"__proto__":{"polluted":true}}'), /__proto__/],
        ['lease.grant', { secret_name: CANARY }, /lease\.grant: client_id/],
        ['lease.grant', { secret_name: 5, client_id: 'a' }, /lease\.grant: secret_name/],
        ['lease.grant', { secret_name: '../etc/passwd', client_id: 'a' }, /lease\.grant: secret_name: secret names are/],
        ['lease.grant', { secret_name: CANARY, client_id: 'a', ttl: 3600 }, /lease\.grant: ttl/],
        ['lease.grant', { secret_name: CANARY, client_id: 'a', client_pid: -1 }, /lease\.grant: client_pid/],
        ['lease.grant', { secret_name: CANARY, client_id: 'bad id with spaces' }, /lease\.grant: client_id: client ids are/],
        ['lease.renew', { lease_id: 'not-a-lease' }, /lease\.renew: lease_id/],
        ['lease.revoke', {}, /exactly one of lease_id, all, client_id, secret_name/],
        ['lease.revoke', { all: true, secret_name: CANARY }, /exactly one of/],
        ['audit.query', { tail: -1 }, /audit\.query: tail/],
        ['audit.query', { tail: 'ten' }, /audit\.query: tail/],
        // Params are checked before admin proof: the field is named even without a passphrase.
        ['secrets.add', { name: 'valid_name' }, /secrets\.add: value/],
        ['secrets.add', { name: 'valid_name', value: 'v', bogus: 1 }, /unknown field\(s\) bogus/],
      ];
      const client = await RawClient.connect(store.socket);
      try {
        let id = 200;
        for (const [method, params, text] of cases) {
          const frame = await client.request(++id, method, params);
          const error = assertErrorFrame(frame, 'INVALID_PARAMS', -32602, id);
          assert.match(error.data.message, text, `${method} ${JSON.stringify(params)}`);
        }
        assert.equal((await client.request(++id, 'health')).result?.ok, true);
        assert.equal(client.endedAt, null);
      } finally {
        client.destroy();
      }
      // Nothing was granted or added by any of them.
      const leases = await store.cli(['leases', '--client', 'a', '--json']);
      assert.equal(leases.code, 0, leases.stderr);
      assert.deepEqual(leases.json.data.leases, []);
      await assertNothingLost(store);
    });
  });

  describe('oversized frames', () => {
    const frameOf = (length: number) => {
      const head = '{"jsonrpc":"2.0","id":1,"method":"health"';
      return head + ' '.repeat(length - head.length - 1) + '}';
    };

    test('a frame of exactly max_frame_bytes is served', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        const frame = frameOf(MAX_FRAME);
        assert.equal(Buffer.byteLength(frame), MAX_FRAME);
        await client.send(frame + '\n');
        assert.equal((await client.next()).result?.ok, true);
        assert.equal(client.endedAt, null);
      } finally {
        client.destroy();
      }
    });

    test('one byte over max_frame_bytes: FRAME_TOO_LARGE, then disconnect', async () => {
      const error = await expectProtocolError(store, frameOf(MAX_FRAME + 1) + '\n', 'FRAME_TOO_LARGE', -32000);
      assert.match(error.data.message, /65536 bytes/);
    });

    test('a huge frame with no newline at all: FRAME_TOO_LARGE without waiting for the end', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        const started = Date.now();
        void client.send('{"jsonrpc":"2.0","id":1,"method":"health","params":{"x":"' + 'A'.repeat(4 * MAX_FRAME));
        assertErrorFrame(await client.next(3000), 'FRAME_TOO_LARGE', -32000);
        await client.waitEnded(2500);
        assert.ok(Date.now() - started < FRAME_MS, 'the oversized frame must be refused as soon as it passes the limit');
      } finally {
        client.destroy();
      }
    });

    test('an oversized frame trickled in 1 kB pieces is refused too', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        const piece = 'B'.repeat(1024);
        for (let sent = 0; sent <= MAX_FRAME + 1024 && client.endedAt === null; sent += piece.length) await client.send(piece);
        assertErrorFrame(await client.next(3000), 'FRAME_TOO_LARGE', -32000);
        await client.waitEnded(2500);
      } finally {
        client.destroy();
      }
    });

    test('a good request before the oversized frame on the same connection is still answered', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        await client.send(health(1) + 'C'.repeat(MAX_FRAME + 10) + '\n');
        assert.equal((await client.waitFor((f) => f.id === 1, 'health #1')).result?.ok, true);
        const error = await client.waitFor((f) => f.error !== undefined, 'the error');
        assertErrorFrame(error, 'FRAME_TOO_LARGE', -32000);
        await client.waitEnded(2500);
      } finally {
        client.destroy();
      }
      await assertNothingLost(store);
    });
  });
});
