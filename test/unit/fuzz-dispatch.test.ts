/** Fuzzing every JSON-RPC method's params through the dispatch (test/fuzz/properties/dispatch.ts). */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DaemonError } from '../../shared/errors.js';
import { createDispatchWorld } from '../fuzz/dispatch-world.js';
import { DISPATCH_TARGETS } from '../fuzz/targets.js';
import { fuzzSettings } from '../fuzz/settings.js';
import { collectUnhandled } from '../fuzz/unhandled.js';

const unhandled = collectUnhandled();
const settings = fuzzSettings();

for (const target of DISPATCH_TARGETS) test(target.name, () => target.run(settings));

// Found by the fuzz (shrunk): the proof's canonical form recursed through the params and overflowed
// the stack, so the caller got INTERNAL instead of a refusal.
test('params nested thousands deep with a live nonce are refused as INVALID_PARAMS, not a stack overflow', async () => {
  const world = await createDispatchWorld({ adminPassphrase: 'fuzz passphrase' });
  try {
    let deep: unknown = 1;
    for (let i = 0; i < 2326; i++) deep = { a: deep };
    const proof = { nonce: world.t.core.adminGate.challenge().nonce, proof: '' };
    await assert.rejects(world.dispatch({ transport: 'socket', proof }, 'config.set', { mcp: deep }), (e) => e instanceof DaemonError && e.code === 'INVALID_PARAMS' && /nest more than/.test(e.message));
  } finally {
    await world.t.dispose();
  }
});

after(() => {
  unhandled.stop();
  assert.deepEqual(unhandled.seen, []);
});
