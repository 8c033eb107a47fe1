/**
 * §8: opening a store made with age's default scrypt work factor — the daemon's own unlock (Node's
 * native scrypt) beside age-encryption's JavaScript scrypt on the very same identity.age, in this
 * process, so the ratio holds on a busy machine too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decrypter } from 'age-encryption';
import { DEFAULT_SCRYPT_WORK_FACTOR, unlockIdentity } from '../electron/daemon/store/identity.js';
import { FILES } from '../electron/daemon/store/paths.js';
import { PASSPHRASE, withStore } from './harness.js';
import type { Row } from './report.js';
import { fmtMs, median } from './stats.js';

async function timed(run: () => Promise<unknown>, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return samples;
}

export async function benchUnlock(runs: number): Promise<{ rows: Row[]; note: string }> {
  return withStore(
    'unlock',
    async (store) => {
      const native = await timed(() => unlockIdentity(store.home, PASSPHRASE), runs);
      const sealed = readFileSync(join(store.home, FILES.identityAge));
      const javascript = await timed(async () => {
        const decrypter = new Decrypter();
        decrypter.addPassphrase(PASSPHRASE);
        await decrypter.decrypt(sealed, 'text');
      }, runs);
      const value = median(native);
      return {
        rows: [
          { metric: `unlock identity.age, scrypt work factor ${DEFAULT_SCRYPT_WORK_FACTOR}`, measured: fmtMs(value), target: { value: 500, direction: 'max', label: '≤ 500 ms' }, value },
          { metric: "  the same with age-encryption's JavaScript scrypt", measured: `${fmtMs(median(javascript))} (${(median(javascript) / value).toFixed(1)}× the native)` },
        ],
        note: `unlock: ${runs} unlocks each of one identity.age made by a plain \`secrets init\` (work factor ${DEFAULT_SCRYPT_WORK_FACTOR}), in the bench process: native ${native.map(fmtMs).join(', ')}; JavaScript ${javascript.map(fmtMs).join(', ')}.`,
      };
    },
    undefined,
    null,
  );
}
