/**
 * Fuzzing every parser of outside input (test/fuzz/targets.ts PARSER_TARGETS): the CLI's arguments,
 * durations, config.json, .secrets.json, dotenv text, launcher strings, the scan's detectors.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { detect } from '../../electron/cli/scan/detect.js';
import { PARSER_TARGETS } from '../fuzz/targets.js';
import { fuzzSettings } from '../fuzz/settings.js';
import { collectUnhandled } from '../fuzz/unhandled.js';

const unhandled = collectUnhandled();
const settings = fuzzSettings();

for (const target of PARSER_TARGETS) test(target.name, () => target.run(settings));

// Found by the fuzz: the assignment pattern backtracked in quadratic time on a long line without
// `=` or `:` (32,000 characters took 2 s; a 1 MiB line, minutes). Before the fix this never ends.
test('a 1 MiB line without = or : is scanned at once', () => {
  assert.deepEqual(detect(`key${'x'.repeat(1024 * 1024)}`, 'lines'), []);
  assert.deepEqual(detect(`ghp_${'x'.repeat(1024 * 1024)}`, 'dotenv'), []);
});

after(() => {
  unhandled.stop();
  assert.deepEqual(unhandled.seen, []);
});
