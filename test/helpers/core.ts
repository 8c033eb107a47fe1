/** A daemon core on a temp data dir with a fake clock: no socket, no process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { AdminGate } from '../../electron/daemon/auth/admin-gate.js';
import { Core } from '../../electron/daemon/core.js';
import { parseConfig } from '../../electron/daemon/config.js';
import { FakeClock } from './fake-clock.js';
import { SteadyClock } from '../../electron/daemon/steady-clock.js';

export interface TestCore {
  core: Core;
  /** The AGE-SECRET-KEY the core runs with (tests derive the audit key from it). */
  identity: string;
  clock: FakeClock;
  dir: string;
  dispose(): Promise<void>;
}

/** Admin proofs in unit tests: a tiny scrypt work factor keeps them instant. */
export const UNIT_PROOF_LOG_N = 4;

/** `adminPassphrase`: the core checks admin proofs made with it (else, like a key file, it needs none). */
export async function createTestCore(config: object = {}, options: { adminPassphrase?: string } = {}): Promise<TestCore> {
  const dir = mkdtempSync(join(tmpdir(), 'as-core-'));
  const identity = await generateX25519Identity();
  const clock = new FakeClock();
  const adminGate = options.adminPassphrase === undefined ? undefined : new AdminGate({ passphrase: options.adminPassphrase, logN: UNIT_PROOF_LOG_N, now: () => clock.now() });
  const core = new Core({
    dataDir: dir,
    socketPath: join(dir, 'daemon.sock'),
    config: parseConfig(config),
    identity: { identity, recipient: await identityToRecipient(identity), protection: adminGate ? 'passphrase' : 'insecure-keyfile', workFactor: adminGate ? UNIT_PROOF_LOG_N : null },
    adminGate,
    clock: new SteadyClock(clock),
  });
  return {
    core,
    identity,
    clock,
    dir,
    async dispose() {
      await core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
