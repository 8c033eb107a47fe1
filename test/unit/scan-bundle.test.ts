/**
 * `secrets scan` is a bundle of its own (dist/scan.cjs), required only by that command: the walk,
 * the detectors and `ignore` add nothing to a cold `secrets lease`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/store.js';

test('the CLI bundle holds no scanner code; dist/scan.cjs does', () => {
  const cli = readFileSync(join(REPO, 'dist', 'cli.cjs'), 'utf8');
  for (const marker of ['github_pat_', 'glpat-', 'allowRelativePaths', 'high_entropy_secret']) assert.ok(!cli.includes(marker), `cli.cjs holds ${marker}`);
  assert.ok(existsSync(join(REPO, 'dist', 'scan.cjs')));
  const scan = readFileSync(join(REPO, 'dist', 'scan.cjs'), 'utf8');
  assert.ok(scan.includes('glpat-') && !/zod/i.test(scan));
});
