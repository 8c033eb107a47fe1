/**
 * The bundled CLI stays cheap to start (agents run it hundreds of times): no schema library, and no
 * Node module loaded at start-up that only some commands need.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/store.js';

const bundle = readFileSync(join(REPO, 'dist', 'cli.cjs'), 'utf8');

test('the CLI bundle carries no zod', () => {
  assert.ok(!/zod/i.test(bundle));
});

test('child_process and tty are imported on demand, never required when the bundle loads', () => {
  const topLevel = [...bundle.matchAll(/require\("(node:[a-z_]+)"\)/g)].map((m) => m[1]);
  for (const lazy of ['node:child_process', 'node:tty']) assert.ok(!topLevel.includes(lazy), `${lazy} is required eagerly`);
});
