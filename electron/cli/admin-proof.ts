/**
 * The CLI's half of an admin proof (shared/admin-proof.ts): ask the daemon for a one-time nonce, derive
 * the key from the passphrase with scrypt, send an HMAC of the nonce, the method and the exact params.
 * The passphrase never leaves this process. A daemon (or whatever answers on the socket) that asks for
 * a weaker proof than the store's own identity.age is refused: a relay could otherwise collect a proof
 * that is cheap to guess the passphrase from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonError } from '../../shared/errors.js';
import { ADMIN_KDF, DEFAULT_ADMIN_LOG_N, adminProofMessage, scryptMaxmem } from '../../shared/admin-proof.js';
import { scryptWorkFactorOf } from '../../shared/age-header.js';
import type { MethodName, ParamsOf, ResultOf } from '../../shared/protocol.js';
import type { RpcClient } from './rpc-client.js';

/** Above this the CLI would need gigabytes for scrypt: no store is made like that (init allows 10–22). */
const MAX_LOG_N = 22;

/**
 * The weakest work factor the CLI accepts: the one in the store's own identity.age, which it reads
 * itself; age's default when there is none to read (another data dir, or the tray's keychain).
 */
export function proofFloor(dataDir: string): number {
  try {
    const header = readFileSync(join(dataDir, 'identity.age')).subarray(0, 512).toString('latin1');
    return scryptWorkFactorOf(header) ?? DEFAULT_ADMIN_LOG_N;
  } catch {
    return DEFAULT_ADMIN_LOG_N;
  }
}

/**
 * One admin request on `client`, proved with `passphrase`.
 * @throws DaemonError DENIED when the challenge is weaker than `floor`; whatever the daemon answers.
 */
export async function provedCall<M extends MethodName>(client: RpcClient, method: M, params: ParamsOf<M>, passphrase: string, floor: number): Promise<ResultOf<M>> {
  const challenge = await client.call('auth.challenge', {});
  if (!Number.isInteger(challenge.log_n) || challenge.log_n < floor || challenge.log_n > MAX_LOG_N) {
    throw new DaemonError(
      'DENIED',
      `the daemon asked for an admin proof with scrypt work factor ${challenge.log_n}, but the store's identity.age uses ${floor}: something other than your daemon may be answering on the socket`,
      'the passphrase was not used; check the socket (secrets status shows the daemon pid) and restart the daemon',
    );
  }
  // Loaded here: every cold `secrets lease` would otherwise pay for node:crypto.
  const { createHmac, scrypt } = await import('node:crypto');
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), Buffer.from(challenge.salt, 'base64'), ADMIN_KDF.keyBytes, { N: 2 ** challenge.log_n, r: ADMIN_KDF.r, p: ADMIN_KDF.p, maxmem: scryptMaxmem(challenge.log_n) }, (error, derived) =>
      error ? reject(error) : resolve(derived),
    ),
  );
  // The params exactly as they go on the wire (JSON drops undefined members, so does the proof).
  const sent = JSON.parse(JSON.stringify(params ?? {})) as ParamsOf<M>;
  const proof = createHmac('sha256', key).update(adminProofMessage(challenge.nonce, method, sent)).digest('hex');
  return client.call(method, sent, { nonce: challenge.nonce, proof });
}
