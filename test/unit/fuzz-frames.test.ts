/**
 * Fuzzing the frame reader against a model, and the real daemon's socket with random bytes and
 * hostile frames (test/fuzz/properties/). The socket property costs a connection per case: it runs
 * a thirtieth of the cases.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { frameReaderMatchesModel } from '../fuzz/properties/frame-reader.js';
import { STACK_LINE, socketFuzz } from '../fuzz/properties/socket.js';
import { fuzzSettings, scaled } from '../fuzz/settings.js';
import { collectUnhandled } from '../fuzz/unhandled.js';

const unhandled = collectUnhandled();
const settings = fuzzSettings();

test('frames come out exactly as the newline-delimited input, however it is cut; the limit throws only when exceeded', () => frameReaderMatchesModel(settings));

test('random bytes and hostile frames on fresh connections: known error codes, no values; the daemon serves on, no stack trace', async () => {
  const fuzz = await socketFuzz();
  try {
    await fuzz.run(scaled(settings, 0.03));
    const { statusCode, stderr } = await fuzz.after();
    assert.equal(statusCode, 0, 'secrets status after the fuzz');
    assert.doesNotMatch(stderr, STACK_LINE);
  } finally {
    await fuzz.store.cleanup();
  }
});

after(() => {
  unhandled.stop();
  assert.deepEqual(unhandled.seen, []);
});
