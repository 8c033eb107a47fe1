/**
 * Bad input: the real daemon, on a temp data dir with short server timeouts, spoken to over raw
 * socket connections that break the protocol on purpose (garbage, wrong shapes, oversized frames,
 * stalled and slow clients, clients that never read, a thousand connections at once) and through the
 * CLI with hostile secret names. Every abuse must get a clear error, leave the daemon serving, and
 * lose nothing: a secret added beforehand still leases with its exact value and the audit chain
 * verifies.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, afterEach, before, describe, test } from 'node:test';
import { PASSPHRASE, type TestStore, startedStore } from '../helpers/store.js';
import { RawClient, type RpcErrorFrame, type RpcFrame, probe, sleep } from '../helpers/raw-socket.js';

const IDLE_MS = 2000;
const FRAME_MS = 1000;
const MAX_FRAME = 65536;
const SERVER = { idle_timeout: '2s', frame_timeout: '1s', max_frame_bytes: MAX_FRAME, max_connections: 2000 };
const PREAPPROVED = { policy: 'preapproved', preapproved: ['after-each', 'after-abuse', 'hostile', 'nul'].map((client_id) => ({ client_id })) };

const CANARY = 'canary_token';
/** Exact bytes matter: quotes, backslash, tab, non-ASCII, no trailing newline. */
const CANARY_VALUE = 'c4n4ry "v@lue" \\ back\tslash ünïcödé 🚀 end';

/** A secret added before the abuse still leases with its exact value, and the audit chain verifies. */
async function assertNothingLost(store: TestStore): Promise<void> {
  const lease = await store.cli(['lease', CANARY, '--client-id', 'after-abuse']);
  assert.equal(lease.code, 0, `lease after abuse failed: ${lease.stderr}\n${daemonState(store)}`);
  assert.equal(lease.stdout, CANARY_VALUE);
  const verify = await store.cli(['audit', 'verify', '--json']);
  assert.equal(verify.code, 0, `audit verify after abuse failed: ${verify.stdout} ${verify.stderr}`);
  assert.equal(verify.json.data.ok, true);
  assert.ok(verify.json.data.checked >= 3, `audit verify checked only ${verify.json.data.checked} entries`);
}

/**
 * The same check over the socket, cheap enough to run after every single test: the canary leases
 * with its exact value and the audit chain verifies.
 */
async function assertNothingLostQuick(store: TestStore): Promise<void> {
  let client: RawClient;
  try {
    client = await RawClient.connect(store.socket);
  } catch (error) {
    assert.fail(`the daemon no longer accepts connections: ${(error as Error).message}\n${daemonState(store)}`);
  }
  try {
    const lease = await client.request(1, 'lease.grant', { secret_name: CANARY, client_id: 'after-each', ttl: '1m' });
    assert.equal(lease.error, undefined, JSON.stringify(lease.error));
    assert.equal(lease.result.value, CANARY_VALUE);
    const verify = await client.request(2, 'audit.verify', {});
    assert.equal(verify.result?.ok, true, JSON.stringify(verify));
    assert.equal(verify.result.first_bad, null);
    assert.ok(verify.result.checked >= 3);
  } finally {
    client.destroy();
  }
}

/** For failure messages: is the daemon still there, and what did it log? */
function daemonState(store: TestStore): string {
  const child = store.daemon?.child;
  return [
    `daemon: ${child ? `pid ${child.pid}, exit ${child.exitCode}, signal ${child.signalCode}` : 'not running (harness)'}`,
    `socket file exists: ${existsSync(store.socket)}`,
    `daemon stderr tail: ${store.daemon?.stderr().slice(-2000) ?? ''}`,
  ].join('\n');
}

function assertErrorFrame(frame: RpcFrame, code: string, rpcCode: number, id: unknown = null): RpcErrorFrame {
  assert.equal(frame.unparsable, undefined, `the daemon sent a non-JSON line: ${frame.unparsable}`);
  assert.equal(frame.jsonrpc, '2.0');
  assert.ok(frame.error, `expected a ${code} error, got ${JSON.stringify(frame).slice(0, 300)}`);
  assert.equal(frame.result, undefined);
  assert.equal(frame.error.data.code, code, `expected ${code}, got ${JSON.stringify(frame.error)}`);
  assert.equal(frame.error.code, rpcCode);
  assert.deepEqual(frame.id, id);
  assert.equal(typeof frame.error.message, 'string');
  assert.ok(frame.error.message.length > 10 && frame.error.message.length < 300, `unclear or unbounded message: ${frame.error.message.slice(0, 400)}`);
  return frame.error;
}

const health = (id: number | string) => JSON.stringify({ jsonrpc: '2.0', id, method: 'health' }) + '\n';

/** Sends `payload` on a fresh connection; expects exactly one error frame and then the daemon hanging up. */
async function expectProtocolError(store: TestStore, payload: string | Buffer, code: string, rpcCode: number, id: unknown = null): Promise<RpcErrorFrame> {
  const client = await RawClient.connect(store.socket);
  try {
    await client.send(payload);
    const error = assertErrorFrame(await client.next(3000), code, rpcCode, id);
    // The daemon ends the connection right after the error (it half-closes, then destroys within 1 s).
    await client.waitEnded(2500);
    assert.equal(client.frames.length, 1, `expected one frame, got ${client.frames.length}`);
    return error;
  } finally {
    client.destroy();
  }
}

function daemonRssKb(store: TestStore): number {
  const status = readFileSync(`/proc/${store.daemon!.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

describe('bad input on the socket and the CLI', () => {
  let store: TestStore;

  before(async () => {
    // The canary checks lease over a raw socket, which must not see an approval notification first.
    store = await startedStore({ config: { server: SERVER, approvals: PREAPPROVED } });
    const added = await store.admin(['add', CANARY], { input: CANARY_VALUE });
    assert.equal(added.code, 0, added.stderr);
    await assertNothingLost(store);
  });

  after(async () => {
    await store?.cleanup();
  });

  // After every abuse: nothing lost, daemon serving (the CLI-level check runs at the end of each group).
  afterEach(async () => {
    await assertNothingLostQuick(store);
  });

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

  describe('stalled, idle and slow clients', () => {
    test('half-open: part of a frame, then nothing: TIMEOUT after frame_timeout, then disconnect', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        await client.send('{"jsonrpc":"2.0","id":1,"met');
        const sentAt = Date.now();
        const error = assertErrorFrame(await client.next(4000), 'TIMEOUT', -32000);
        const elapsed = Date.now() - sentAt;
        assert.match(error.data.message, /frame was not completed within 1000 ms/);
        assert.ok(elapsed >= FRAME_MS - 100 && elapsed < IDLE_MS, `TIMEOUT came after ${elapsed} ms, expected about ${FRAME_MS}`);
        await client.waitEnded(2500);
      } finally {
        client.destroy();
      }
    });

    test('an idle connection is closed after idle_timeout with a TIMEOUT frame', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        const error = assertErrorFrame(await client.next(IDLE_MS + 2000), 'TIMEOUT', -32000);
        const elapsed = Date.now() - client.openedAt;
        assert.match(error.data.message, /idle/);
        assert.ok(elapsed >= IDLE_MS - 100 && elapsed < IDLE_MS + 1500, `closed after ${elapsed} ms, expected about ${IDLE_MS}`);
        await client.waitEnded(2500);
      } finally {
        client.destroy();
      }
    });

    test('a connection idle after a served request is closed idle_timeout after its last activity', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        await sleep(IDLE_MS / 2);
        assert.equal((await client.request(1, 'health')).result?.ok, true);
        const lastActivity = Date.now();
        const frame = await client.next(IDLE_MS + 2000).then(() => client.next(IDLE_MS + 2000));
        assertErrorFrame(frame, 'TIMEOUT', -32000);
        const elapsed = Date.now() - lastActivity;
        assert.ok(elapsed >= IDLE_MS - 100 && elapsed < IDLE_MS + 1500, `closed ${elapsed} ms after the last request`);
        await client.waitEnded(2500);
      } finally {
        client.destroy();
      }
    });

    test('a slow client trickling a valid request byte by byte within frame_timeout is answered', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        const request = health(42);
        const started = Date.now();
        for (const byte of Buffer.from(request)) {
          await client.send(Buffer.from([byte]));
          await sleep(5);
        }
        const elapsed = Date.now() - started;
        assert.ok(elapsed < FRAME_MS - 100, `the trickle itself took ${elapsed} ms; the test needs it under frame_timeout`);
        const frame = await client.next(3000);
        assert.equal(frame.id, 42);
        assert.equal(frame.result?.ok, true, JSON.stringify(frame));
        assert.equal(client.endedAt, null);
      } finally {
        client.destroy();
      }
    });

    test(
      'a client streaming requests whose writes always end mid-frame is not timed out while every frame completes quickly',
      async () => {
        const client = await RawClient.connect(store.socket);
        try {
          // Each write finishes the previous request and starts the next one; no frame is ever
          // incomplete for longer than 100 ms, but some frame is always incomplete.
          const total = 30;
          const line = (id: number) => health(id);
          let carry = '';
          for (let id = 1; id <= total && client.endedAt === null; id++) {
            const next = line(id);
            const cut = Math.floor(next.length / 2);
            await client.send(carry + next.slice(0, cut));
            carry = next.slice(cut);
            await sleep(100);
          }
          await client.send(carry);
          await client.until(() => client.frames.length >= total || client.endedAt !== null, 'all responses', 5000);
          const errors = client.frames.filter((f) => f.error);
          assert.deepEqual(errors.map((f) => f.error?.data.message), [], 'a well-behaved client was timed out');
          assert.equal(client.frames.filter((f) => f.result?.ok === true).length, total);
        } finally {
          client.destroy();
        }
      },
    );

    test('a slowloris trickle that never finishes a frame is cut off at frame_timeout, not kept alive byte by byte', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        const started = Date.now();
        for (const byte of Buffer.from(health(43))) {
          if (client.frames.length > 0 || client.endedAt !== null) break;
          await client.send(Buffer.from([byte]));
          await sleep(150);
        }
        assertErrorFrame(await client.next(3000), 'TIMEOUT', -32000);
        const elapsed = Date.now() - started;
        assert.ok(elapsed < FRAME_MS + 800, `cut off after ${elapsed} ms`);
        await client.waitEnded(2500);
      } finally {
        client.destroy();
      }
      await assertNothingLost(store);
    });

    test('a client that sends requests but never reads: others are served meanwhile, and it is dropped after idle_timeout', async () => {
      const client = await RawClient.connect(store.socket);
      try {
        client.socket.pause();
        const count = 3000; // ~2 MB of status responses: far more than the socket buffers hold
        const line = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'status' }) + '\n';
        await client.send(line.repeat(count));
        // Everyone else is served promptly while it sits there.
        const started = Date.now();
        const status = await store.cli(['status', '--json']);
        assert.equal(status.code, 0, status.stderr);
        assert.equal(status.json.data.counts.secrets, 1);
        assert.ok(Date.now() - started < 3000, 'status took too long while a client was not reading');
        await assertNothingLost(store);
        // Past idle_timeout (+1 s for the daemon's grace before destroying), it has been dropped:
        // once it reads again it gets what the kernel had buffered and then the end of the stream.
        await sleep(Math.max(0, IDLE_MS + 1500 - (Date.now() - started)));
        client.socket.resume();
        await client.waitEnded(3000);
        assert.ok(client.frames.length < count, `all ${count} responses were kept for a client that did not read`);
      } finally {
        client.destroy();
      }
    });

    test(
      'a client that floods requests without reading does not make the daemon buffer without bound',
      async (t) => {
        if (process.platform !== 'linux') return t.skip('reads /proc');
        const before = daemonRssKb(store);
        const client = await RawClient.connect(store.socket);
        try {
          client.socket.pause();
          const line = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'status' }) + '\n';
          // 150,000 status requests (~6 MB) whose ~100 MB of responses nobody reads. Not awaited:
          // a daemon with backpressure stops reading, so this write never completes.
          void client.send(line.repeat(150_000));
          await sleep(4000);
          const growthMb = (daemonRssKb(store) - before) / 1024;
          assert.ok(growthMb < 64, `daemon RSS grew by ${growthMb.toFixed(0)} MB for one client that never reads`);
        } finally {
          client.destroy();
        }
        await assertNothingLost(store);
      },
    );
  });

  describe('many connections', () => {
    test('1,000 simultaneous connections each get a health answer (or a clear TOO_MANY_CONNECTIONS)', async () => {
      const N = 1000;
      // Each sends as soon as it is connected (a connection that waits for the other 999 could hit
      // this daemon's 2 s idle timeout on a loaded machine); none is closed before all have answered.
      const clients = await Promise.all(
        Array.from({ length: N }, async (_, i) => {
          const client = await RawClient.connect(store.socket, 10_000);
          await client.send(health(i));
          return client;
        }),
      );
      try {
        const outcomes = await Promise.all(
          clients.map(async (c, i) => {
            const frame = await c.next(10_000);
            if (frame.error) return assertErrorFrame(frame, 'TOO_MANY_CONNECTIONS', -32000).data.code;
            assert.equal(frame.id, i);
            assert.equal(frame.result?.ok, true);
            return 'ok';
          }),
        );
        const ok = outcomes.filter((o) => o === 'ok').length;
        // max_connections is 2000 here, so every one of them must be served.
        assert.equal(ok, N, `only ${ok} of ${N} answered: ${JSON.stringify(outcomes.filter((o) => o !== 'ok').slice(0, 3))}`);
      } finally {
        for (const c of clients) c.destroy();
      }
      const status = await store.cli(['status', '--json']);
      assert.equal(status.code, 0, status.stderr);
      assert.equal(status.json.ok, true);
      assert.equal(status.json.data.counts.secrets, 1);
      await assertNothingLost(store);
    });

    test('1,000 connect-send-close probes in a burst all get an answer', async () => {
      const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => probe(store.socket, health(i))));
      const failures = results.filter((r) => r.frame?.result?.ok !== true && r.frame?.error?.data.code !== 'TOO_MANY_CONNECTIONS');
      assert.deepEqual(failures.slice(0, 3), [], `${failures.length} probes failed`);
      const status = await store.cli(['status']);
      assert.equal(status.code, 0, status.stderr);
    });
  });

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

describe('max_connections set low (5)', () => {
  let store: TestStore;
  const held: RawClient[] = [];

  before(async () => {
    store = await startedStore({ config: { server: { ...SERVER, idle_timeout: '30s', max_connections: 5 }, approvals: PREAPPROVED }, autoApprove: false });
    const added = await store.admin(['add', CANARY], { input: CANARY_VALUE });
    assert.equal(added.code, 0, added.stderr);
  });

  after(async () => {
    for (const c of held) c.destroy();
    await store?.cleanup();
  });

  test('extra connections get TOO_MANY_CONNECTIONS, held ones keep working, and service resumes when they close', async () => {
    for (let i = 0; i < 5; i++) {
      const c = await RawClient.connect(store.socket);
      held.push(c);
      assert.equal((await c.request(i, 'health')).result?.ok, true);
    }
    for (let i = 0; i < 3; i++) {
      const extra = await RawClient.connect(store.socket);
      try {
        await extra.send(health(100 + i));
        const error = assertErrorFrame(await extra.next(3000), 'TOO_MANY_CONNECTIONS', -32000);
        assert.match(error.data.message, /maximum of 5 connections/);
        assert.ok(error.data.hint);
        await extra.waitEnded(2500);
        assert.equal(extra.frames.length, 1, 'the refused request must not be served');
      } finally {
        extra.destroy();
      }
    }
    // The CLI reports it clearly, not as a crash.
    const refused = await store.cli(['status', '--json']);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.equal(refused.json.error.code, 'TOO_MANY_CONNECTIONS');
    assert.match(refused.stderr, /maximum of 5 connections/);

    // The five held connections were not disturbed.
    for (let i = 0; i < 5; i++) assert.equal((await held[i]!.request(10 + i, 'health')).result?.ok, true);

    // Closing two frees two slots (the daemon notices the close promptly).
    held.splice(0, 2).forEach((c) => c.destroy());
    let status = await store.cli(['status', '--json']);
    for (let tries = 0; status.code !== 0 && tries < 20; tries++) {
      await sleep(50);
      status = await store.cli(['status', '--json']);
    }
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.equal(status.json.data.counts.secrets, 1);
    await assertNothingLost(store);
  });
});
