/**
 * The world the dispatch is fuzzed in: a real Core on a temp data dir (test/helpers/core.ts) holding
 * secrets with distinctive values, a pre-approved client for every caller the fuzz plays, a project
 * directory for `env.write`, and the plausible value of each params key, so that generated requests
 * get past validation often enough for the handlers to run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { createDispatch, type Dispatch } from '../../electron/daemon/server/dispatch.js';
import { createHandlers } from '../../electron/daemon/server/handlers.js';
import type { Caller } from '../../electron/daemon/callers/caller.js';
import type { VerifiedIdentity } from '../../electron/daemon/callers/peer-identity.js';
import { type TestCore, createTestCore } from '../helpers/core.js';

/** Every value starts with the marker, so a value cut short in a message is still caught. */
export const VALUE_MARKER = 'FUZZ-VALUE';
export const SECRETS: Record<string, string> = {
  fuzz_alpha: `${VALUE_MARKER}-alpha-3f9c1e0b7d`,
  fuzz_beta: `${VALUE_MARKER}-beta\nsecond line ✓ ünïcödé`,
  fuzz_gamma: `${VALUE_MARKER}-gamma "quoted" 'single' $HOME \\ back`,
};

/** The client pre-approved for every secret, from every launcher the fuzz plays. */
export const APPROVED_CLIENT = 'fuzz-agent';

/** Above any pid_max (at most 2^22): no real process has it, so no registration can name a real group. */
const NO_SUCH_PID = 2 ** 30;

function identity(uid: number, launcher_key: string, user: string | null): VerifiedIdentity {
  return { uid, pid: NO_SUCH_PID, start_time: 1, exe: '/usr/bin/node', cwd: '/srv', argv: ['node', '/srv/bot.js'], parents: [], launcher: { pid: NO_SUCH_PID, exe: '/usr/bin/node', script: '/srv/bot.js', loads: [] }, launcher_key, user, limited: null };
}

const OWN = identity(process.getuid?.() ?? 1000, '/usr/bin/node /srv/bot.js', 'me');
const AGENT_USER = identity(1500, 'user bot (uid 1500): /usr/bin/node /srv/bot.js', 'bot');

/** Who calls: the owner's socket unverified or verified, and an agent of another user on the agent socket. */
export const CALLERS = [
  { transport: 'socket', identity: null },
  { transport: 'socket', identity: OWN },
  { transport: 'agent-socket', identity: AGENT_USER },
] as const;
export type CallerKind = (typeof CALLERS)[number];

/** Stand-ins the runner swaps for ids that exist only at run time. */
export const LIVE_LEASE = '<live lease>';
export const LIVE_NONCE = '<live nonce>';

export interface DispatchWorld {
  t: TestCore;
  dispatch: Dispatch;
  projectDir: string;
  /** Lease ids granted so far, newest last: LIVE_LEASE becomes the newest. */
  leases: string[];
  /** The person at the tray app: admin by its transport, on any store. */
  person: Caller;
}

export async function createDispatchWorld(options: { adminPassphrase?: string } = {}): Promise<DispatchWorld> {
  const t = await createTestCore({}, options);
  const dispatch = createDispatch(t.core, createHandlers(t.core));
  const person: Caller = { transport: 'ipc' };
  for (const [name, value] of Object.entries(SECRETS)) await dispatch(person, 'secrets.add', { name, value });
  for (const caller of CALLERS) {
    await dispatch(person, 'clients.allow', { client_id: APPROVED_CLIENT, launcher: caller.identity?.launcher_key ?? 'unknown', for: 'forever' });
  }
  const projectDir = join(t.dir, 'project');
  mkdirSync(projectDir);
  writeFileSync(join(projectDir, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'fuzz_alpha', env_var: 'FUZZ_ALPHA' }] }));
  return { t, dispatch, projectDir, leases: [], person };
}

const durations = fc.constantFrom('1h', '30s', '10m', '24h', '25h', '1h30m', 'forever');
const names = fc.constantFrom(...Object.keys(SECRETS), 'no_such_secret');
const clientIds = fc.constantFrom(APPROVED_CLIENT, APPROVED_CLIENT, 'stranger-1');
const dates = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
const envVars = fc.constantFrom('FUZZ_ALPHA', 'FUZZ_BETA', 'PATH', 'LD_PRELOAD');

/** A plausible value for each params key of the protocol, or null where any value is as good. */
export function plausibleFor(world: Pick<DispatchWorld, 'projectDir'>): (key: string) => fc.Arbitrary<unknown> | null {
  const files = fc.constantFrom('.env', '../outside.env', join(world.projectDir, '.env'));
  const table: Record<string, fc.Arbitrary<unknown>> = {
    name: names,
    secret_name: names,
    client_id: clientIds,
    ttl: durations,
    since: durations,
    for: durations,
    max_ttl: durations,
    lease_id: fc.constantFrom(LIVE_LEASE, 'L-000000000000'),
    lease_ids: fc.array(fc.constantFrom(LIVE_LEASE, 'L-000000000000'), { maxLength: 3 }),
    request_id: fc.constant('R-abcd1234'),
    grant_id: fc.constant('G-abcd1234'),
    confirmation_id: fc.constant('C-abcd1234'),
    client_pid: fc.integer({ min: 1, max: 2 ** 22 }),
    pid: fc.constant(NO_SUCH_PID),
    pgid: fc.constant(NO_SUCH_PID),
    path: fc.constantFrom(join(world.projectDir, '.env'), join(world.projectDir, 'sub', '.env'), '/etc/passwd', join(world.projectDir, '..', '.env')),
    project_dir: fc.constantFrom(world.projectDir, '/', '/tmp'),
    file: files,
    launcher: fc.constantFrom(...CALLERS.map((c) => c.identity?.launcher_key ?? 'unknown')),
    scope: fc.constantFrom('secret', 'all'),
    tail: fc.integer({ min: 1, max: 200 }),
    after_id: fc.nat(1000),
    before_id: fc.integer({ min: 1, max: 1000 }),
    from: dates,
    until: dates,
    action: fc.constantFrom('lease.granted', 'lease.revoked', 'admin.denied'),
    text: fc.constantFrom('fuzz', 'lease', '%', '_'),
    reason: fc.string({ minLength: 1, maxLength: 20 }),
    description: fc.string({ maxLength: 20 }),
    secrets: fc.oneof(
      { arbitrary: fc.uniqueArray(fc.record({ secret_name: names, ttl: durations }, { requiredKeys: ['secret_name'] }), { minLength: 1, maxLength: 3, selector: (s) => s.secret_name }), weight: 3 },
      { arbitrary: fc.uniqueArray(fc.record({ secret_name: names, env_var: envVars }), { minLength: 1, maxLength: 3, selector: (s) => s.secret_name }), weight: 2 },
      fc.array(fc.record({ name: fc.constantFrom('fuzz_new', 'fuzz_alpha'), env_var: envVars, file: files }), { maxLength: 2 }),
      fc.array(names, { minLength: 1, maxLength: 3 }),
    ),
    backups: fc.array(fc.record({ file: files }), { maxLength: 2 }),
    value: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.record({ secrets: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 2 }), backups: fc.array(fc.string({ maxLength: 20 }), { maxLength: 2 }) })),
    default_lease_ttl: durations,
    max_lease_ttl: durations,
    approval_timeout: durations,
  };
  for (const flag of ['all', 'force', 'dry_run', 'newest_first', 'allow', 'revoke', 'wipe', 'rotate']) table[flag] = fc.boolean();
  return (key) => table[key] ?? null;
}
