/** A daemon core on a temp data dir with a fake clock: no socket, no process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { Core } from '../../electron/daemon/core.js';
import { parseConfig } from '../../electron/daemon/config.js';
import { FakeClock } from './fake-clock.js';

export interface TestCore {
  core: Core;
  /** The AGE-SECRET-KEY the core runs with (tests derive the audit key from it). */
  identity: string;
  clock: FakeClock;
  dir: string;
  dispose(): Promise<void>;
}

export async function createTestCore(config: object = {}): Promise<TestCore> {
  const dir = mkdtempSync(join(tmpdir(), 'as-core-'));
  const identity = await generateX25519Identity();
  const clock = new FakeClock();
  const core = new Core({
    dataDir: dir,
    socketPath: join(dir, 'daemon.sock'),
    config: parseConfig(config),
    identity: { identity, recipient: await identityToRecipient(identity), protection: 'insecure-keyfile' },
    passphraseVerifier: null,
    clock,
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
