/**
 * A hostile client running as the same user, talking to the socket directly (issue 8): it floods
 * connections from one process or several, pipelines expensive requests it never reads, holds
 * refused sockets half-open, starts a second daemon on the same store, and hands a connection over to
 * another program. Each attack must fail, and the person's daemon must keep serving with nothing lost.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, type TestStore, startedStore } from '../helpers/store.js';
import { RawClient } from '../helpers/raw-socket.js';
import { CANARY, PREAPPROVED, addCanary, assertErrorFrame, assertNothingLost } from '../helpers/abuse.js';
import { waitUntil } from '../helpers/processes.js';

/** Opens `count` connections from one process, subscribes each, prints the outcomes, and holds them. */
const FLOODER = `
const net = require('net');
const [path, count] = [process.argv[1], Number(process.argv[2])];
const outcomes = {};
let settled = 0;
const settle = (socket, outcome) => {
  if (socket.settled) return;
  socket.settled = true;
  outcomes[outcome] = (outcomes[outcome] || 0) + 1;
  if (++settled === count) process.stdout.write(JSON.stringify(outcomes) + '\\n');
};
for (let i = 0; i < count; i++) {
  const socket = net.connect(path);
  let buffer = '';
  socket.on('connect', () => socket.write(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'events.subscribe' }) + '\\n'));
  socket.on('data', (chunk) => {
    buffer += chunk;
    const nl = buffer.indexOf('\\n');
    if (nl !== -1) { const frame = JSON.parse(buffer.slice(0, nl)); settle(socket, frame.error ? frame.error.data.code : 'ok'); }
  });
  socket.on('error', () => settle(socket, 'socket error'));
  socket.on('close', () => settle(socket, 'closed'));
}
setInterval(() => {}, 1000);
`;

interface Flooder {
  child: ChildProcess;
  outcomes: Record<string, number>;
}

async function flood(socket: string, count: number): Promise<Flooder> {
  const child = spawn(process.execPath, ['-e', FLOODER, socket, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  assert.ok(await waitUntil(() => out.includes('\n'), 30_000), `the flooder did not settle its ${count} connections`);
  return { child, outcomes: JSON.parse(out.split('\n')[0]!) as Record<string, number> };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

function peakRssKb(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

describe('one process, or several, cannot take the daemon', () => {
  let store: TestStore;
  const flooders: ChildProcess[] = [];

  before(async () => {
    store = await startedStore({ config: { server: { max_connections: 128, idle_timeout: '60s' }, approvals: PREAPPROVED } });
    await addCanary(store);
  });

  after(async () => {
    for (const child of flooders) await kill(child);
    await store?.cleanup();
  });

  test('one process opening 1,024 subscribed connections gets its 64; everyone else is served as usual', async () => {
    const attacker = await flood(store.socket, 1024);
    flooders.push(attacker.child);
    assert.deepEqual(attacker.outcomes, { ok: 64, TOO_MANY_CONNECTIONS: 960 });
    const list = await store.cli(['list', '--json']);
    assert.equal(list.code, 0, list.stdout + list.stderr);
    await assertNothingLost(store);
  });

  test('processes filling every general slot cannot stop status or the killswitch; held-back slots serve nothing else', async () => {
    // The test process's own approver holds one connection: 64 + 63 more fill max_connections (128).
    const second = await flood(store.socket, 64);
    flooders.push(second.child);
    assert.equal(second.outcomes.ok, 63, JSON.stringify(second.outcomes));
    // A third attacker only finds held-back slots, which do not subscribe.
    const third = await flood(store.socket, 8);
    flooders.push(third.child);
    assert.deepEqual(third.outcomes, { TOO_MANY_CONNECTIONS: 8 });

    const list = await store.cli(['list', '--json']);
    assert.equal(list.code, 1, list.stdout + list.stderr);
    assert.equal(list.json.error.code, 'TOO_MANY_CONNECTIONS');
    assert.match(list.stderr, /maximum of 128 connections; a held-back connection may only call/);
    const status = await store.cli(['status', '--json']);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    const killswitch = await store.cli(['killswitch', '--reason', 'flooded', '--json']);
    assert.equal(killswitch.code, 0, killswitch.stdout + killswitch.stderr);
    assert.equal((await store.cli(['status', '--json'])).json.data.killswitch.engaged, true);

    // Once the attackers are gone, the person gets everything back.
    for (const child of flooders.splice(0)) await kill(child);
    assert.ok(await waitUntil(async () => (await store.cli(['list', '--json'])).code === 0, 10_000), 'slots were not given back');
    const disengage = await store.admin(['killswitch', '--disengage']);
    assert.equal(disengage.code, 0, disengage.stderr);
    await assertNothingLost(store);
  });
});

describe('back-pressure: requests in flight and unread answers are bounded', () => {
  test(
    '300 pipelined audit queries that are never read do not grow the daemon',
    { skip: process.platform !== 'linux' && 'reads /proc' },
    async () => {
      const store = await startedStore({ config: { approvals: PREAPPROVED } });
      try {
        await addCanary(store);
        // 4,000 audit entries: each audit.query {tail: 100000} answers about a megabyte.
        const writer = await RawClient.connect(store.socket);
        const lease = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'lease.grant', params: { secret_name: CANARY, client_id: 'after-abuse', ttl: '1m' } }) + '\n';
        await writer.send(Array.from({ length: 4000 }, (_, i) => lease(i)).join(''));
        await writer.until(() => writer.frames.length >= 4000, '4,000 leases', 60_000);
        writer.destroy();

        const pid = store.daemon!.child.pid!;
        const before = peakRssKb(pid);
        const attacker = await RawClient.connect(store.socket);
        attacker.socket.pause();
        const query = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'audit.query', params: { tail: 100_000 } }) + '\n';
        void attacker.send(Array.from({ length: 300 }, (_, i) => query(i)).join(''));
        // Unbounded, the daemon answers all 300 (~300 MB) into memory within a few seconds; bounded,
        // it stops after the first answers. Meanwhile everyone else is served.
        for (let i = 0; i < 8; i++) {
          const status = await store.cli(['status', '--json']);
          assert.equal(status.code, 0, status.stderr);
          await new Promise((r) => setTimeout(r, 500));
        }
        const growthMb = (peakRssKb(pid) - before) / 1024;
        assert.ok(growthMb < 100, `the daemon's peak RSS grew by ${growthMb.toFixed(0)} MB for 300 unread audit queries`);
        attacker.destroy();
        await assertNothingLost(store);
      } finally {
        await store.cleanup();
      }
    },
  );

  test('beyond max_requests_in_flight, later frames wait unparsed until a running request ends', async () => {
    const store = await startedStore({ config: { server: { max_requests_in_flight: 1 } }, autoApprove: false });
    try {
      await addCanary(store);
      const client = await RawClient.connect(store.socket);
      try {
        // A request that waits for a person, then a quick one, then garbage.
        const wait = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'lease.grant', params: { secret_name: CANARY, client_id: 'waiting', ttl: '1m' } });
        await client.send(wait + '\n' + JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'health' }) + '\n' + '{not json\n');
        let requests: { request_id: string }[] = [];
        assert.ok(await waitUntil(async () => (requests = (await store.cli(['requests', '--json'])).json.data.requests).length === 1, 10_000), 'the lease waits for a person');
        const denied = await store.admin(['deny', requests[0]!.request_id]);
        assert.equal(denied.code, 0, denied.stdout + denied.stderr);
        await client.until(() => client.closed, 'the connection to end after the parse error', 10_000);
        // Unbounded, health (2) is answered at once and the garbage ends the connection (and the wait) early.
        const answers = client.frames.filter((f) => f.id !== undefined).map((f) => f.id);
        assert.deepEqual(answers, [1, 2, null], JSON.stringify(client.frames).slice(0, 500));
        assert.equal(client.frames.find((f) => f.id === 1)!.error?.data.code, 'DENIED');
        assert.equal(client.frames.find((f) => f.id === 2)!.result?.ok, true);
        assertErrorFrame(client.frames.at(-1)!, 'PARSE_ERROR', -32700);
      } finally {
        client.destroy();
      }
    } finally {
      await store.cleanup();
    }
  });
});

describe('shutdown closes every connection; one daemon per data dir', () => {
  test('refused sockets are closed by the daemon, and SIGTERM stops a daemon holding every kind of connection', async () => {
    const store = await startedStore({ config: { server: { max_connections: 4, reserved_connections: 2, idle_timeout: '60s' } }, autoApprove: false });
    const holders: RawClient[] = [];
    let reservedHolder: ChildProcess | null = null;
    try {
      for (let i = 0; i < 4; i++) holders.push(await RawClient.connect(store.socket));
      assert.equal((await holders[0]!.request(1, 'events.subscribe')).result?.subscribed, true);
      assert.equal((await holders[1]!.request(1, 'health')).result?.ok, true);
      holders[2]!.socket.pause();
      void holders[2]!.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'status' }).concat('\n').repeat(20_000));
      // A refused client that never closes its end: the daemon must not keep the socket.
      const refused = createConnection({ path: store.socket, allowHalfOpen: true });
      let refusal = '';
      let broken = false;
      refused.on('data', (c: Buffer) => (refusal += c.toString()));
      refused.on('error', () => (broken = true));
      assert.ok(await waitUntil(() => refusal.includes('\n')), 'the refusal arrives');
      assert.equal(JSON.parse(refusal).error.data.code, 'TOO_MANY_CONNECTIONS');
      const probeWrite = () => new Promise<boolean>((r) => (refused.destroyed ? r(true) : refused.write('x', (error) => r(error != null || broken))));
      assert.ok(await waitUntil(probeWrite, 10_000), 'the daemon kept the refused socket open');
      // A held-back slot, held by another process.
      reservedHolder = spawn(process.execPath, ['-e', `require('net').connect(${JSON.stringify(store.socket)}); setInterval(() => {}, 1000)`], { stdio: 'ignore' });

      const daemon = store.daemon!;
      const exit = daemon.stop('SIGTERM');
      const code = await Promise.race([exit, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
      assert.equal(code, 0, 'the daemon did not stop on SIGTERM');
      assert.equal(existsSync(store.socket), false, 'a clean stop removes the socket');
      for (const holder of holders) await holder.until(() => holder.closed || holder.endedAt !== null, 'the daemon to close it', 5000);
    } finally {
      for (const holder of holders) holder.destroy();
      if (reservedHolder) await kill(reservedHolder);
      await store.cleanup();
    }
  });

  test('a second serve on the same data dir, even on another socket, refuses and never touches the first', async () => {
    const store = await startedStore();
    const scratch = mkdtempSync(join(tmpdir(), 'as-sock-'));
    try {
      await addCanary(store);
      const firstPid = store.daemon!.child.pid;
      const inode = statSync(store.socket).ino;
      const otherSocket = join(scratch, 'other.sock');
      const second = await store.cli(['serve', '--foreground', '--json', '--passphrase-file', store.passphraseFile], { env: { AGENT_SECRETS_SOCKET: otherSocket }, timeoutMs: 20_000 });
      assert.equal(second.code, 1, second.stdout + second.stderr);
      assert.equal(second.json.error.code, 'DAEMON_ALREADY_RUNNING');
      assert.match(second.stderr, /already running on the data dir/);
      assert.equal(existsSync(otherSocket), false, 'the second daemon created its socket');
      const background = await store.cli(['serve', '--json', '--passphrase-file', store.passphraseFile], { env: { AGENT_SECRETS_SOCKET: otherSocket }, timeoutMs: 20_000 });
      assert.equal(background.code, 1, background.stdout + background.stderr);
      assert.equal(background.json.error.code, 'DAEMON_ALREADY_RUNNING', 'the background start says why, not "did not start"');
      assert.equal(statSync(store.socket).ino, inode, 'the first daemon\'s socket was replaced');
      const status = await store.cli(['status', '--json']);
      assert.equal(status.json.data.pid, firstPid);
      await assertNothingLost(store);

      // The lock dies with its holder, however it dies: a new daemon starts after SIGKILL.
      await store.daemon!.stop('SIGKILL');
      await store.start();
      await assertNothingLost(store);
    } finally {
      await store.cleanup();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('the caller identity is taken at accept and held to that process', () => {
  let store: TestStore;
  before(async () => {
    store = await startedStore({ autoApprove: false });
  });
  after(() => store?.cleanup());

  /**
   * Perl: the parent makes a socket, its child connects it (so the kernel names the child), reads one
   * answer, then (with `exec`) becomes another program, or stays (without); the parent, which kept
   * the socket, sends the next request and prints the answer.
   */
  const handover = (execAfter: boolean) => `
use strict; use Socket; use IO::Handle;
my $path = $ARGV[0];
socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
pipe(my $r, my $w) or die;
my $pid = fork();
if ($pid == 0) {
  close $r;
  connect($s, pack_sockaddr_un($path)) or die "connect: $!";
  syswrite($s, qq({"jsonrpc":"2.0","id":1,"method":"health"}\\n));
  my $answer = ''; sysread($s, $answer, 65536);
  syswrite($w, $answer);
  ${execAfter ? "exec('/bin/sleep', '30') or die;" : 'sleep 30; exit 0;'}
}
close $w;
my $first = <$r>;
print "child: $first";
if (${execAfter ? 1 : 0}) {
  for (1..200) { open(my $c, '<', "/proc/$pid/comm") or last; my $comm = <$c>; last if $comm =~ /^sleep/; select(undef, undef, undef, 0.05); }
}
syswrite($s, qq({"jsonrpc":"2.0","id":2,"method":"health"}\\n));
my $answer = ''; sysread($s, $answer, 65536);
print "parent: $answer";
kill 'KILL', $pid;
`;

  async function runHandover(execAfter: boolean): Promise<{ child: any; parent: any }> {
    const perl = spawn('perl', ['-e', handover(execAfter), store.socket], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    perl.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise((r) => perl.once('exit', r));
    const line = (who: string) => JSON.parse(out.split('\n').find((l) => l.startsWith(`${who}: `))!.slice(who.length + 2));
    return { child: line('child'), parent: line('parent') };
  }

  test('a child that connects and then execs another program: the parent keeping the socket is refused, and it is audited', async (t) => {
    if (process.platform !== 'linux') return t.skip('reads /proc');
    const { child, parent } = await runHandover(true);
    assert.equal(child.result?.ok, true, 'the first answer, to the process that connected');
    assert.equal(parent.id, 2);
    assert.equal(parent.error?.data.code, 'DENIED', JSON.stringify(parent));
    assert.match(parent.error.message, /the process that opened this connection changed .*; reconnect/);
    const audit = await store.cli(['audit', '--action', 'connection.refused', '--json']);
    const entry = audit.json.data.entries.at(-1);
    assert.equal(entry?.outcome, 'denied', JSON.stringify(audit.json));
    assert.equal(entry.detail.reason, 'peer_changed');
    assert.equal(entry.detail.method, 'health');
    assert.match(entry.detail.exe, /perl/, 'recorded as what connected, not what it became');
  });

  test('control: the same handover without the exec is served (the check is what refused it)', async () => {
    const { child, parent } = await runHandover(false);
    assert.equal(child.result?.ok, true);
    assert.equal(parent.result?.ok, true, JSON.stringify(parent));
  });
});

describe('fail closed without the peer-credentials addon', () => {
  /** An installation of the built CLI and daemon whose node_modules lacks agent-secrets-peercred. */
  function installWithoutAddon(): string {
    const root = mkdtempSync(join(tmpdir(), 'as-noaddon-'));
    cpSync(join(REPO, 'dist'), join(root, 'dist'), { recursive: true });
    mkdirSync(join(root, 'node_modules'));
    for (const name of readdirSync(join(REPO, 'node_modules'))) {
      if (name !== 'agent-secrets-peercred' && !name.startsWith('.')) symlinkSync(join(REPO, 'node_modules', name), join(root, 'node_modules', name));
    }
    return root;
  }

  test('serve refuses to start; with --allow-unverified-callers it starts and says so, in the log and in status', async () => {
    const store = await startedStore({ insecure: true, autoApprove: false });
    let root: string | null = null;
    try {
      root = installWithoutAddon();
      await store.daemon!.stop();
      const cli = join(root, 'dist', 'cli.cjs');
      const run = (args: string[]) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '', ...store.env }, stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
          child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
          child.once('close', (code) => resolve({ code, stdout, stderr }));
        });
      const refused = await run(['serve', '--foreground', '--json']);
      assert.equal(refused.code, 4, refused.stdout + refused.stderr);
      assert.equal(JSON.parse(refused.stdout).error.code, 'DENIED');
      assert.match(refused.stderr, /refusing to start: the peer-credentials addon \(agent-secrets-peercred\) could not be loaded/);
      assert.match(refused.stderr, /--allow-unverified-callers/);
      assert.equal(existsSync(store.socket), false, 'a refused daemon must not create its socket');

      // Allowed explicitly: it serves, warns at start, and status carries the warning while it runs.
      const loose = spawn(process.execPath, [cli, 'serve', '--foreground', '--json', '--allow-unverified-callers'], { env: { PATH: process.env.PATH ?? '', ...store.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      loose.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      try {
        let status: any;
        const serving = await waitUntil(async () => {
          const result = await store.cli(['status', '--json']);
          status = result.json?.data;
          return result.code === 0;
        }, 20_000);
        assert.ok(serving, `the daemon did not serve: ${stderr}`);
        assert.ok(status.warnings.some((w: string) => /--allow-unverified-callers/.test(w)), JSON.stringify(status.warnings));
        assert.match(stderr, /UNVERIFIED CALLERS/);
      } finally {
        if (loose.exitCode === null && loose.signalCode === null) {
          const exited = new Promise((r) => loose.once('exit', r));
          loose.kill('SIGTERM');
          await exited;
        }
      }
    } finally {
      await store.cleanup();
      if (root !== null) rmSync(root, { recursive: true, force: true });
    }
  });
});
