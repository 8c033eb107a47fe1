/**
 * Admin proof against a process that steals the socket: it renames the daemon's socket away, listens
 * in its place and relays to the real daemon, recording (or changing) what the person's CLI sends.
 * The passphrase never crosses, a recorded proof cannot be replayed, a changed request is refused, a
 * weakened challenge is refused by the CLI, and guessing over the socket is throttled.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { renameSync } from 'node:fs';
import { type Server, type Socket, createConnection, createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { RawClient } from '../helpers/raw-socket.js';
import { PASSPHRASE, type TestStore, startedStore } from '../helpers/store.js';

type Rewrite = (line: string) => string | null;

/** A man in the middle on the socket path: relays line by line, recording the client's lines. */
class SocketThief {
  readonly fromClient: string[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly realPath: string,
    /** Rewrites a client line before relaying; returning null answers it here instead (see `answer`). */
    private readonly rewrite: Rewrite = (line) => line,
    private readonly answer: (line: string) => string = () => '',
  ) {
    this.server = createServer((client) => this.relay(client));
  }

  static async steal(store: TestStore, rewrite?: Rewrite, answer?: (line: string) => string): Promise<SocketThief> {
    const realPath = `${store.socket}.real`;
    renameSync(store.socket, realPath);
    const thief = new SocketThief(realPath, rewrite, answer);
    await new Promise<void>((resolve) => thief.server.listen(store.socket, resolve));
    return thief;
  }

  /** Gives the socket path back to the daemon. */
  async restore(store: TestStore): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    renameSync(this.realPath, store.socket);
  }

  private relay(client: Socket): void {
    const daemon = createConnection(this.realPath);
    this.sockets.add(client).add(daemon);
    let buffer = '';
    client.setEncoding('utf8');
    client.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        this.fromClient.push(line);
        const relayed = this.rewrite(line);
        if (relayed === null) client.write(this.answer(line) + '\n');
        else daemon.write(relayed + '\n');
      }
    });
    daemon.pipe(client);
    client.on('close', () => daemon.destroy());
    daemon.on('close', () => client.destroy());
    client.on('error', () => {});
    daemon.on('error', () => {});
  }
}

describe('admin proof against a socket thief', () => {
  let store: TestStore;
  before(async () => {
    store = await startedStore({ autoApprove: false });
    for (const name of ['victim', 'keep', 'other']) assert.equal((await store.admin(['add', name], { input: `value-of-${name}` })).code, 0);
  });
  after(() => store.cleanup());

  const names = async () => ((await store.cli(['list', '--json'])).json.data.secrets as { name: string }[]).map((s) => s.name).sort();

  test('a relay learns no passphrase and cannot replay what it recorded', async () => {
    const thief = await SocketThief.steal(store);
    try {
      const removed = await store.admin(['rm', 'victim']);
      assert.equal(removed.code, 0, removed.stderr);
    } finally {
      await thief.restore(store);
    }
    const recorded = thief.fromClient.join('\n');
    assert.ok(!recorded.includes(PASSPHRASE), 'the passphrase never crossed the socket');
    const adminLine = thief.fromClient.find((line) => line.includes('"auth"'))!;
    assert.match(adminLine, /"method":"secrets\.remove"/);

    // Put the secret back, then replay the recorded removal against the real daemon.
    assert.equal((await store.admin(['add', 'victim'], { input: 'value-of-victim' })).code, 0);
    const raw = await RawClient.connect(store.socket);
    try {
      await raw.send(adminLine + '\n');
      const answer = await raw.next();
      assert.equal(answer.error?.data.code, 'PASSPHRASE_INCORRECT', 'a replayed proof is refused');
    } finally {
      raw.destroy();
    }
    assert.deepEqual(await names(), ['keep', 'other', 'victim'], 'the replay removed nothing');
  });

  test('a relay that changes what the person approved gets a refusal, and nothing changes', async () => {
    const thief = await SocketThief.steal(store, (line) => (line.includes('"auth"') ? line.replace('"name":"victim"', '"name":"keep"') : line));
    let result;
    try {
      result = await store.admin(['rm', 'victim']);
    } finally {
      await thief.restore(store);
    }
    assert.equal(result.code, 4, result.stderr);
    assert.equal(result.json.error.code, 'PASSPHRASE_INCORRECT');
    assert.deepEqual(await names(), ['keep', 'other', 'victim'], 'neither the asked-for nor the substituted secret was removed');
    const denied = await store.cli(['audit', '--action', 'admin.denied', '--json']);
    assert.ok(denied.json.data.entries.some((e: { detail: { method: string } }) => e.detail.method === 'secrets.remove'), 'the refusal is audited');
  });

  test('a relay that asks for a weaker proof gets none: the CLI refuses before using the passphrase', async () => {
    const weak = (line: string) => {
      const { id } = JSON.parse(line) as { id: number };
      return JSON.stringify({ jsonrpc: '2.0', id, result: { nonce: 'attacker-chosen', salt: Buffer.alloc(16).toString('base64'), log_n: 1, expires_at: new Date().toISOString() } });
    };
    const thief = await SocketThief.steal(store, (line) => (line.includes('"auth.challenge"') ? null : line), weak);
    let result;
    try {
      result = await store.admin(['rm', 'other']);
    } finally {
      await thief.restore(store);
    }
    assert.equal(result.code, 4, result.stderr);
    assert.equal(result.json.error.code, 'DENIED');
    assert.match(result.json.error.message, /work factor 1.*identity\.age uses 10/);
    assert.ok(!thief.fromClient.some((line) => line.includes('"auth"')), 'no proof was sent at all');
    assert.deepEqual(await names(), ['keep', 'other', 'victim']);
  });

  test('guessing over the socket is throttled for the whole daemon, audited, and shown in status', async () => {
    const raw = await RawClient.connect(store.socket);
    try {
      // Ten guesses pipelined on one connection, each with a fresh nonce and a wrong key.
      for (let i = 0; i < 10; i++) {
        const { result } = await raw.request(`c${i}`, 'auth.challenge', {});
        const proof = createHmac('sha256', Buffer.alloc(32, i)).update('guess').digest('hex');
        await raw.sendRequest(`g${i}`, 'secrets.remove', { name: 'keep' }, { nonce: result.nonce, proof });
      }
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => raw.waitFor((f) => f.id === `g${i}`, `guess ${i}`)));
      const codes = answers.map((a) => a.error?.data.code);
      // The two refusals of the earlier tests count too: the daemon counts, not the connection.
      const checked = codes.filter((c) => c === 'PASSPHRASE_INCORRECT').length;
      assert.ok(checked >= 1 && checked <= 4, `only the first few wrong proofs are checked at all: ${codes}`);
      assert.deepEqual(codes.slice(checked), Array(10 - checked).fill('ADMIN_LOCKED'), 'the rest wait out a lockout');
    } finally {
      raw.destroy();
    }
    const status = await store.cli(['status', '--json']);
    assert.ok(status.json.data.admin.locked_until !== null, 'status shows the lockout');
    assert.ok(status.json.data.warnings.some((w: string) => /wrong admin proofs/.test(w)));
    const denied = (await store.cli(['audit', '--action', 'admin.denied', '--tail', '100', '--json'])).json.data.entries as { detail: { reason: string } }[];
    const refusedInLockout = denied.filter((e) => e.detail.reason === 'ADMIN_LOCKED').length;
    assert.equal(refusedInLockout, 1, 'proofs refused during one lockout are audited once, not each');
    assert.deepEqual(await names(), ['keep', 'other', 'victim']);
  });
});
