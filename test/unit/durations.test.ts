import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration, tryParseDuration } from '../../shared/durations.js';
import { DaemonError } from '../../shared/errors.js';

test('Go-style durations parse to milliseconds', () => {
  assert.equal(tryParseDuration('90s'), 90_000);
  assert.equal(tryParseDuration('30m'), 1_800_000);
  assert.equal(tryParseDuration('1h30m'), 5_400_000);
  assert.equal(tryParseDuration('1.5h'), 5_400_000);
  assert.equal(tryParseDuration('250ms'), 250);
});

test('garbage, negatives and empty strings are not durations', () => {
  for (const text of ['', 'soon', '-5m', '5', 'm5', '1h 30m', '1d', '5mm', ' 5m', '5m ', 'h']) {
    assert.equal(tryParseDuration(text), null, text);
  }
});

test('parseDuration enforces the range and names it in the hint', () => {
  assert.equal(parseDuration('1h', '--ttl', 86_400_000), 3_600_000);
  for (const text of ['0s', '25h', 'later', '500ms']) {
    assert.throws(
      () => parseDuration(text, '--ttl', 86_400_000),
      (e: unknown) => e instanceof DaemonError && e.code === 'INVALID_DURATION' && /between 1s and 24h/.test(e.hint ?? ''),
      text,
    );
  }
});

test('formatDuration round-trips through the parser (property)', () => {
  for (let i = 0; i < 500; i++) {
    const ms = Math.floor(Math.random() * 100 * 3600) * 1000 + 1000;
    assert.equal(tryParseDuration(formatDuration(ms)), ms);
  }
  assert.equal(formatDuration(5_400_000), '1h30m');
});
