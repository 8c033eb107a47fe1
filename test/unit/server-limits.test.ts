/**
 * The socket server's bookkeeping as plain data: frames taken one at a time with a size limit however
 * they arrive, and connection slots shared per process with room held back for the emergency path.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameReader } from '../../electron/daemon/server/frame-reader.js';
import { ConnectionLimits } from '../../electron/daemon/server/connection-limits.js';
import { DaemonError } from '../../shared/errors.js';

const frames = (reader: FrameReader) => {
  const out: string[] = [];
  for (let frame = reader.next(); frame !== null; frame = reader.next()) out.push(frame.toString());
  return out;
};

test('frames split anywhere across chunks come out whole, in order, one per next()', () => {
  const reader = new FrameReader(1024);
  const text = '{"a":1}\n{"b":2}\n\n{"c":3}\n{"d"';
  for (const byte of Buffer.from(text)) reader.push(Buffer.from([byte]));
  assert.deepEqual(frames(reader), ['{"a":1}', '{"b":2}', '', '{"c":3}']);
  assert.equal(reader.buffered, 4, 'the unfinished frame stays buffered');
  reader.push(Buffer.from(':4}\n'));
  assert.deepEqual(frames(reader), ['{"d":4}']);
  assert.equal(reader.buffered, 0);
});

test('bytes after the frame taken stay unparsed until asked for', () => {
  const reader = new FrameReader(1024);
  reader.push(Buffer.from('one\ntwo\nthree\n'));
  assert.equal(reader.next()!.toString(), 'one');
  assert.equal(reader.buffered, 'two\nthree\n'.length);
});

test('a frame over the limit throws, whether it is complete or still arriving byte by byte', () => {
  const complete = new FrameReader(8);
  complete.push(Buffer.from('123456789\n'));
  assert.throws(() => complete.next(), RangeError);
  const trickle = new FrameReader(8);
  let threw = false;
  for (let i = 0; i < 20 && !threw; i++) {
    trickle.push(Buffer.from('x'));
    try {
      trickle.next();
    } catch {
      threw = true;
      assert.equal(i, 8, 'thrown at the ninth byte');
    }
  }
  assert.ok(threw);
  const exact = new FrameReader(8);
  exact.push(Buffer.from('12345678\n'));
  assert.equal(exact.next()!.toString(), '12345678');
});

const limits = { maxConnections: 4, maxConnectionsPerProcess: 3, reservedConnections: 3, reservedConnectionsPerProcess: 2 };
const refusedWith = (pattern: RegExp) => (error: unknown) => error instanceof DaemonError && error.code === 'TOO_MANY_CONNECTIONS' && pattern.test(error.message);

test('one process gets at most its share of general connections, and its refusal says so', () => {
  const admission = new ConnectionLimits(limits);
  for (let i = 0; i < 3; i++) assert.equal(admission.admit(100).pool, 'general');
  assert.throws(() => admission.admit(100), refusedWith(/process \(pid 100\) already holds its maximum of 3 connections/));
  assert.equal(admission.admit(200).pool, 'general', 'another process still gets one');
});

test('beyond the general limit, processes holding no general connection get held-back slots, a couple each', () => {
  const admission = new ConnectionLimits(limits);
  for (const pid of [1, 1, 1, 2]) admission.admit(pid);
  assert.throws(() => admission.admit(1), refusedWith(/maximum of 3 connections/));
  assert.throws(() => admission.admit(2), refusedWith(/serving its maximum of 4 connections/), 'a process holding general connections gets no reserved slot');
  assert.equal(admission.admit(3).pool, 'reserved');
  assert.equal(admission.admit(3).pool, 'reserved');
  assert.throws(() => admission.admit(3), refusedWith(/serving its maximum of 4/), 'two reserved slots per process');
  const last = admission.admit(4);
  assert.equal(last.pool, 'reserved');
  assert.throws(() => admission.admit(5), refusedWith(/serving its maximum of 4/), 'the reserved pool is full');
  admission.release(last);
  assert.equal(admission.admit(5).pool, 'reserved', 'a released slot is free again');
  assert.deepEqual(admission.inUse, { general: 4, reserved: 3, processes: 4 });
});

test('released general slots go back to their process and to everyone', () => {
  const admission = new ConnectionLimits(limits);
  const slots = [1, 1, 1, 2].map((pid) => admission.admit(pid));
  admission.release(slots[0]!);
  assert.equal(admission.admit(1).pool, 'general');
  for (const slot of slots.slice(1)) admission.release(slot);
  assert.deepEqual(admission.inUse, { general: 1, reserved: 0, processes: 1 });
});

test('unverified callers (no pid) are only held to the totals', () => {
  const admission = new ConnectionLimits(limits);
  for (let i = 0; i < 4; i++) assert.equal(admission.admit(null).pool, 'general');
  for (let i = 0; i < 3; i++) assert.equal(admission.admit(null).pool, 'reserved');
  assert.throws(() => admission.admit(null), refusedWith(/serving its maximum/));
});

test('config.json: the server limits have defaults, and a bad one is an error naming the field', async () => {
  const { parseConfig } = await import('../../electron/daemon/config.js');
  const { server } = parseConfig({});
  assert.deepEqual(
    { ...server },
    { maxConnections: 1024, maxConnectionsPerProcess: 64, maxRequestsInFlight: 32, reservedConnections: 32, reservedConnectionsPerProcess: 2, maxFrameBytes: 1024 * 1024, idleTimeoutMs: 60_000, reservedIdleTimeoutMs: 5000, frameTimeoutMs: 10_000 },
  );
  for (const [bad, field] of [
    [{ max_requests_in_flight: 0 }, 'server.max_requests_in_flight'],
    [{ max_connections_per_process: 1.5 }, 'server.max_connections_per_process'],
    [{ reserved_connections: -1 }, 'server.reserved_connections'],
    [{ reserved_idle_timeout: 'soon' }, 'server.reserved_idle_timeout'],
  ] as const) {
    assert.throws(() => parseConfig({ server: bad }), (e: unknown) => e instanceof DaemonError && e.code === 'INVALID_CONFIG' && e.message.includes(field), JSON.stringify(bad));
  }
});
