/**
 * Launcher strings (electron/daemon/callers/): any argv, cwd and environment give a launcher or
 * none — never a throw — and a key no longer than `clients allow --launcher` takes (4096).
 */
import fc from 'fast-check';
import { type Family, parseInterpreterArgs } from '../../../electron/daemon/callers/interpreter-args.js';
import { findLauncher, launcherKey } from '../../../electron/daemon/callers/launcher.js';
import type { ProcessInfo } from '../../../electron/daemon/callers/process-tree.js';
import { hostileString } from '../hostile.js';
import { type FuzzSettings, parameters } from '../settings.js';

const MAX_KEY_LENGTH = 4096;
const FAMILIES: Family[] = ['node', 'bun', 'deno', 'python', 'ruby', 'perl'];

const arg = fc.oneof(
  { arbitrary: fc.constantFrom('-r', '--require', '--import', '-e', '-c', '-m', '--inspect', '--inspect=9229', '-I', '-M', '-d:Trace', '--', '-', 'run', 'x', '-Bc', '--loader', '-rjson', './bot.js', '/srv/bot.js'), weight: 3 },
  { arbitrary: hostileString, weight: 2 },
);
const argv = fc.array(arg, { maxLength: 8 });
const program = fc.constantFrom('/usr/bin/node', '/usr/bin/python3', 'ruby', 'perl', '/bin/sh', 'env', 'sudo', '/usr/bin/claude', 'bun', 'deno', 'node', 'secrets');
const cwd = fc.option(fc.oneof(fc.constant('/srv'), hostileString), { nil: null });

const processInfo: fc.Arbitrary<ProcessInfo> = fc
  .record({ pid: fc.integer({ min: 1, max: 2 ** 22 }), exe: fc.option(program, { nil: null }), argv0: program, args: argv, cwd })
  .map(({ pid, exe, argv0, args, cwd }) => ({ pid, ppid: 1, pgrp: pid, name: argv0.split('/').pop()!.slice(0, 15), startTime: 1, exe, argv: [argv0, ...args], cwd }) as unknown as ProcessInfo);

const environment = fc.option(
  fc.array(fc.tuple(fc.constantFrom('NODE_OPTIONS', 'LD_PRELOAD', 'PYTHONPATH', 'RUBYOPT', 'PERL5OPT', 'BUN_OPTIONS', 'PYTHONSTARTUP', 'HOME'), fc.oneof(hostileString, argv.map((a) => a.join(' '))))).map((pairs) => new Map(pairs)),
  { nil: null },
);

export function launcherStrings(settings: FuzzSettings): void {
  fc.assert(
    fc.property(fc.constantFrom(...FAMILIES), argv, cwd, fc.boolean(), fc.array(processInfo, { maxLength: 4 }), environment, (family, args, dir, optionsOnly, chain, env) => {
      parseInterpreterArgs(family, args, dir, optionsOnly);
      const key = launcherKey(findLauncher(chain, () => env));
      if (key.length > MAX_KEY_LENGTH) throw new Error(`a launcher key of ${key.length} characters`);
    }),
    parameters(settings),
  );
}
