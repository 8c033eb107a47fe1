/**
 * Every JSON-RPC method's params, through the daemon's one dispatch: whatever a caller sends, the
 * call settles (a hang fails), a refusal is a DaemonError with a known code other than INTERNAL (a
 * crash), and no stored value appears anywhere but in the `value` of a lease granted to it.
 */
import fc from 'fast-check';
import { isDaemonError } from '../../../shared/errors.js';
import { APPROVAL_PENDING_NOTIFICATION, METHODS, type MethodName } from '../../../shared/protocol.js';
import { Settings } from '../../../shared/settings.js';
import type { Caller } from '../../../electron/daemon/callers/caller.js';
import { paramsFor, hostileValue } from '../hostile.js';
import { type FuzzSettings, parameters } from '../settings.js';
import { CALLERS, type CallerKind, type DispatchWorld, LIVE_LEASE, LIVE_NONCE, SECRETS, VALUE_MARKER, createDispatchWorld, plausibleFor } from '../dispatch-world.js';

/** Long enough for the slowest honest call on a busy machine, short enough that a hang shows. */
const CALL_TIMEOUT_MS = 5_000;

/**
 * Kept out of the main mix, which shares one store across cases: each changes what later cases
 * see (the lock, the values, the grants, the settings). They get their own property, which puts the
 * store back after every case. `secrets.rotate` is there too, and `rotate_via` is never sent:
 * a fuzzer must not run generated shell commands.
 */
export const DESTRUCTIVE: ReadonlySet<MethodName> = new Set<MethodName>([
  'killswitch.engage',
  'killswitch.disengage',
  'secrets.add',
  'secrets.set',
  'secrets.remove',
  'secrets.rotate',
  'config.set',
  'clients.forget',
  'scan.import',
]);

const ALL_METHODS = Object.keys(METHODS) as MethodName[];

function keysOf(method: MethodName): string[] {
  if (method === 'config.set') return Object.keys(Settings.shape);
  const schema = METHODS[method].params as unknown as { shape?: Record<string, unknown> };
  return schema.shape ? Object.keys(schema.shape) : [];
}

interface Call {
  method: string;
  params: unknown;
  caller: CallerKind;
  proof: unknown;
}

function callArbitrary(world: DispatchWorld, methods: readonly MethodName[], proofs: fc.Arbitrary<unknown>): fc.Arbitrary<Call> {
  const plausible = plausibleFor(world);
  const known = fc.constantFrom(...methods).chain((method) =>
    fc.oneof({ arbitrary: paramsFor(keysOf(method), plausible), weight: 4 }, { arbitrary: hostileValue(keysOf(method)), weight: 1 }).map((params) => ({ method, params })),
  );
  const unknown = fc.record({ method: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'secrets.dump')), params: fc.jsonValue() });
  return fc.record({
    call: fc.oneof({ arbitrary: known, weight: 9 }, { arbitrary: unknown, weight: 1 }),
    caller: fc.constantFrom(...CALLERS),
    proof: proofs,
  }).map(({ call, caller, proof }) => ({ ...call, caller, proof }));
}

/** The call as sent: live ids in place of their stand-ins, `rotate_via` dropped (see DESTRUCTIVE). */
function materialize(world: DispatchWorld, call: Call, nonce: () => string): { params: unknown; proof: unknown } {
  const live = (value: unknown): unknown => (value === LIVE_LEASE ? (world.leases.at(-1) ?? 'L-000000000000') : value === LIVE_NONCE ? nonce() : value);
  const swap = (value: unknown): unknown => (Array.isArray(value) ? value.map(live) : live(value));
  let params = call.params;
  if (typeof params === 'object' && params !== null && !Array.isArray(params)) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(params)) {
      if (key === 'rotate_via') continue;
      Object.defineProperty(copy, key, { value: swap((params as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
    }
    params = copy;
  }
  const proof = typeof call.proof === 'object' && call.proof !== null ? { ...call.proof, nonce: live((call.proof as { nonce?: unknown }).nonce) } : call.proof;
  return { params, proof };
}

function mentionsAValue(text: string): boolean {
  return text.includes(VALUE_MARKER) || Object.values(SECRETS).some((value) => text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1)));
}

/** The result with each granted lease's own value taken out (after checking it is its secret's). */
function withoutGrantedValues(method: string, result: unknown): unknown {
  if (method !== 'lease.grant' && method !== 'lease.grant_many') return result;
  const leases = method === 'lease.grant' ? [result] : (result as { leases: unknown[] }).leases;
  for (const lease of leases as { secret_name: string; value: string; lease_id: string }[]) {
    const stored = SECRETS[lease.secret_name];
    if (stored !== undefined && lease.value !== stored) throw new Error(`lease ${lease.lease_id} of ${lease.secret_name} holds another value`);
  }
  return JSON.parse(JSON.stringify(result, (key, value) => (key === 'value' ? '<granted>' : value)));
}

/** Runs one call with a deadline; a wait for a person is withdrawn at once (nobody is there). */
async function settle(world: DispatchWorld, call: Call, nonce: () => string): Promise<{ ok: true; result: unknown } | { ok: false; error: unknown }> {
  const { params, proof } = materialize(world, call, nonce);
  const abort = new AbortController();
  const caller: Caller = {
    transport: call.caller.transport,
    identity: () => call.caller.identity,
    signal: abort.signal,
    // Called just before the wait starts listening for the abort: abort on the next microtask.
    notify: (method) => (method === APPROVAL_PENDING_NOTIFICATION ? queueMicrotask(() => abort.abort()) : undefined),
    ...(proof === undefined ? {} : { proof }),
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${call.method} did not settle within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([world.dispatch(caller, call.method, params), deadline]);
    return { ok: true, result };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('hang:')) throw error;
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** Checks one call's outcome; remembers a granted lease for the calls after it. */
function check(world: DispatchWorld, call: Call, outcome: Awaited<ReturnType<typeof settle>>): void {
  if (!outcome.ok) {
    const { error } = outcome;
    if (!isDaemonError(error) || error.code === 'INTERNAL') {
      throw new Error(`${call.method} failed with something other than a DaemonError: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    if (mentionsAValue(`${error.message}\n${error.hint ?? ''}`)) throw new Error(`${call.method}: a stored value in the error: ${error.message}`);
    return;
  }
  const shown = JSON.stringify(withoutGrantedValues(call.method, outcome.result)) ?? '';
  if (mentionsAValue(shown)) throw new Error(`${call.method}: a stored value in the result: ${shown.slice(0, 300)}`);
  if (call.method === 'lease.grant') world.leases.push((outcome.result as { lease_id: string }).lease_id);
  if (call.method === 'lease.grant_many') world.leases.push(...(outcome.result as { leases: { lease_id: string }[] }).leases.map((l) => l.lease_id));
}

/** After the fuzz: the core still answers and its audit chain is intact. */
async function assertStillServing(world: DispatchWorld): Promise<void> {
  await world.dispatch(world.person, 'status', {});
  const verified = (await world.dispatch(world.person, 'audit.verify', {})) as { ok: boolean; first_bad: unknown };
  if (!verified.ok) throw new Error(`audit.verify failed after the fuzz: ${JSON.stringify(verified.first_bad)}`);
}

/** Puts back what a destructive call changed: the lock, the values, the approved client's grants. */
async function restore(world: DispatchWorld): Promise<void> {
  const { core } = world.t;
  if (core.killswitch.state().engaged) await world.dispatch(world.person, 'killswitch.disengage', {});
  for (const [name, value] of Object.entries(SECRETS)) {
    if (!core.secrets.exists(name)) await world.dispatch(world.person, 'secrets.add', { name, value });
    else if ((await core.secrets.value(name)) !== value) await world.dispatch(world.person, 'secrets.set', { name, value });
  }
}

/** Runs the calls in order; true when any of them succeeded (and so may have changed the store). */
async function runCalls(world: DispatchWorld, calls: Call[], nonce: () => string): Promise<boolean> {
  let succeeded = false;
  for (const call of calls) {
    const outcome = await settle(world, call, nonce);
    check(world, call, outcome);
    succeeded ||= outcome.ok;
  }
  return succeeded;
}

/**
 * Cases per store: the audit log and the leases grow with every case, and `audit.verify` or
 * `lease.list` over all of them would make a long run quadratic. A longer run takes fresh stores,
 * the n-th one seeded with seed + n, so the first 10,000 cases are the test run's.
 */
const CASES_PER_STORE = 10_000;

async function fuzzDispatch(settings: FuzzSettings, methods: readonly MethodName[], options: { adminPassphrase?: string; afterEach?: (world: DispatchWorld, succeeded: boolean) => Promise<void> } = {}, proofs: fc.Arbitrary<unknown> = fc.constant(undefined)): Promise<void> {
  for (let done = 0, store = 0; done < settings.numRuns; done += CASES_PER_STORE, store++) {
    const chunk = { seed: settings.seed + store, numRuns: Math.min(CASES_PER_STORE, settings.numRuns - done) };
    await fuzzOneStore(chunk, methods, options, proofs);
  }
}

async function fuzzOneStore(settings: FuzzSettings, methods: readonly MethodName[], options: { adminPassphrase?: string; afterEach?: (world: DispatchWorld, succeeded: boolean) => Promise<void> }, proofs: fc.Arbitrary<unknown>): Promise<void> {
  const world = await createDispatchWorld({ adminPassphrase: options.adminPassphrase });
  const nonce = () => world.t.core.adminGate.challenge().nonce;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(callArbitrary(world, methods, proofs), { minLength: 1, maxLength: 3 }), async (calls) => {
        let succeeded = true;
        try {
          succeeded = await runCalls(world, calls, nonce);
        } finally {
          await options.afterEach?.(world, succeeded);
        }
      }),
      parameters(settings),
    );
    await assertStillServing(world);
  } finally {
    await world.t.dispose();
  }
}

/** Every method but the destructive ones, and unknown names, on a store without a passphrase (every caller on the owner's socket is admin). */
export function dispatchEveryMethod(settings: FuzzSettings): Promise<void> {
  return fuzzDispatch(settings, ALL_METHODS.filter((m) => !DESTRUCTIVE.has(m)));
}

/** The destructive methods, the store put back after every case. */
export function dispatchDestructive(settings: FuzzSettings): Promise<void> {
  return fuzzDispatch(settings, [...DESTRUCTIVE], { afterEach: (world, succeeded) => (succeeded ? restore(world) : Promise.resolve()) });
}

/**
 * Every method on a store with a passphrase, with admin proofs from nothing to a live nonce with a
 * forged MAC; the clock jumps a day between cases so the lockout of failed proofs never stops the
 * proof from being checked.
 */
export function dispatchAdminProofs(settings: FuzzSettings): Promise<void> {
  const proofs = fc.oneof(
    fc.constant(undefined),
    hostileValue(['nonce', 'proof']),
    fc.record({ nonce: fc.constant(LIVE_NONCE), proof: fc.oneof(fc.string({ maxLength: 64 }), hostileValue([])) }),
  );
  const afterEach = async (world: DispatchWorld, succeeded: boolean) => {
    world.t.clock.advance(24 * 3_600_000);
    if (succeeded) await restore(world);
  };
  return fuzzDispatch(settings, ALL_METHODS, { adminPassphrase: 'fuzz passphrase', afterEach }, proofs);
}
