/**
 * The bundled CLI stays cheap to start (agents run it hundreds of times): no schema library, and no
 * Node module loaded at start-up that only some commands need.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/store.js';

const bundle = readFileSync(join(REPO, 'dist', 'cli.cjs'), 'utf8');

test('the CLI bundle carries no zod', () => {
  assert.ok(!/zod/i.test(bundle));
});

test('a cold start loads neither child_process, tty nor crypto: only the commands that need them do', () => {
  // Loaded the way bin/secrets loads it, for a command that needs none of them; Node's own list of
  // the built-in modules it loaded is the evidence (a static look at the bundle cannot tell a lazy
  // require from an eager one).
  const probe = `process.argv = [process.argv[0], 'secrets', '--version'];
process.on('exit', () => require('node:fs').writeSync(2, JSON.stringify(process.moduleLoadList)));
require(${JSON.stringify(join(REPO, 'dist', 'cli.cjs'))});`;
  const run = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const loaded: string[] = JSON.parse(run.stderr.slice(run.stderr.indexOf('[')));
  // crypto costs a cold start milliseconds (OpenSSL's set-up): only admin proofs and agent-user need it.
  for (const lazy of ['child_process', 'tty', 'crypto']) assert.ok(!loaded.includes(`NativeModule ${lazy}`), `${lazy} is loaded at start`);
  assert.ok(loaded.includes('NativeModule fs'), 'the list is the real one');
});
