/**
 * The real daemon's socket under random bytes and hostile frames, one fresh connection per case:
 * every answer is JSON-RPC with a known error code other than INTERNAL and no stored value outside a
 * granted lease; after the payload the connection either still answers `health` or was ended by the
 * daemon (a hang fails); and once the fuzz is over the daemon still serves, with no stack trace on
 * its stderr.
 */
import fc from 'fast-check';
import { isErrorCode } from '../../../shared/errors.js';
import { METHODS } from '../../../shared/protocol.js';
import { RawClient, type RpcFrame } from '../../helpers/raw-socket.js';
import { type TestStore, startedStore } from '../../helpers/store.js';
import { hostileValue } from '../hostile.js';
import { type FuzzSettings, parameters } from '../settings.js';
import { VALUE_MARKER } from '../dispatch-world.js';

const SECRET = { name: 'fuzz_alpha', value: `${VALUE_MARKER}-socket-9d2e41` };
const PROBE_ID = 'fuzz-probe';
const ANSWER_TIMEOUT_MS = 5_000;

/** Values JSON.stringify can write (deep nesting goes on the wire as text: see `deepFrame`). */
const WIRE = { deep: false };

/** A frame whose params nest thousands deep, written as text. */
const deepFrame = fc
  .tuple(fc.integer({ min: 100, max: 50_000 }), fc.constantFrom(...Object.keys(METHODS)))
  .map(([depth, method]) => `{"jsonrpc":"2.0","id":1,"method":"${method}","params":{"mcp":${'['.repeat(depth)}${']'.repeat(depth)}},"auth":{"nonce":"x","proof":"y"}}\n`);

const request = fc
  .record(
    {
      jsonrpc: fc.oneof(fc.constant('2.0'), hostileValue([], WIRE)),
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), hostileValue([], WIRE)),
      method: fc.oneof(fc.constantFrom(...Object.keys(METHODS)), fc.string({ maxLength: 20 })),
      params: hostileValue(['secret_name', 'client_id', 'ttl', 'name', 'lease_id', 'all', 'reason'], WIRE),
      auth: hostileValue(['nonce', 'proof'], WIRE),
    },
    { requiredKeys: ['method'] },
  )
  .map((frame) => JSON.stringify(frame) ?? 'null');

/** What one case sends: frames, garbage, partial and empty lines, rarely more than a frame may hold. */
const payload = fc
  .array(
    fc.oneof(
      { arbitrary: request.map((line) => `${line}\n`), weight: 200 },
      { arbitrary: fc.uint8Array({ maxLength: 200 }), weight: 100 },
      { arbitrary: fc.constantFrom('\n', '\r\n', '{', '{"jsonrpc":"2.0",', 'null\n', '[]\n', '[{"jsonrpc":"2.0","id":1,"method":"health"}]\n', '"\\ud800"\n'), weight: 100 },
      { arbitrary: deepFrame, weight: 5 },
      { arbitrary: fc.constant(`${'x'.repeat(1024 * 1024 + 1)}\n`), weight: 1 },
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((parts) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part))));

function checkFrame(frame: RpcFrame): void {
  if (frame.unparsable !== undefined) throw new Error(`the daemon sent a line that is not JSON: ${frame.unparsable.slice(0, 200)}`);
  if (frame.error) {
    const code = frame.error.data?.code;
    if (!isErrorCode(code) || code === 'INTERNAL') throw new Error(`error frame with code ${String(code)}: ${JSON.stringify(frame).slice(0, 300)}`);
  }
  // A granted lease carries the value in its `value` field: the one place it may appear.
  const shown = JSON.stringify(frame.result === undefined ? frame : { ...frame, result: JSON.parse(JSON.stringify(frame.result, (key, value) => (key === 'value' && value === SECRET.value ? '<granted>' : value))) });
  if (shown.includes(VALUE_MARKER)) throw new Error(`a stored value outside a granted lease: ${shown.slice(0, 300)}`);
}

async function oneCase(store: TestStore, bytes: Buffer): Promise<void> {
  const client = await RawClient.connect(store.socket);
  try {
    await client.send(bytes);
    await client.sendRequest(PROBE_ID, 'health', {}).catch(() => undefined);
    // The daemon ends a connection it will not serve any more (bad frame, too large): also fine.
    await client.until(() => client.endedAt !== null || client.frames.some((f) => f.id === PROBE_ID), 'the health probe or the end of the connection', ANSWER_TIMEOUT_MS);
    client.frames.forEach(checkFrame);
  } finally {
    client.destroy();
  }
}

export interface SocketFuzz {
  store: TestStore;
  run(settings: FuzzSettings): Promise<void>;
  /** `secrets status` after the fuzz, and the daemon's stderr (checked for stack traces). */
  after(): Promise<{ statusCode: number | null; stderr: string }>;
}

/** Starts a store (built CLI, `npm run build` first) and returns the property to run against it. */
export async function socketFuzz(): Promise<SocketFuzz> {
  const store = await startedStore();
  const added = await store.admin(['add', SECRET.name], { input: SECRET.value });
  if (added.code !== 0) throw new Error(`add failed: ${added.stderr}`);
  return {
    store,
    run: (settings) => fc.assert(fc.asyncProperty(payload, (bytes) => oneCase(store, bytes)), parameters(settings)),
    async after() {
      const status = await store.cli(['status', '--json']);
      return { statusCode: status.code, stderr: store.daemon?.stderr() ?? '' };
    },
  };
}

/** A stack trace line, as Node prints them. */
export const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;
