/**
 * Admin methods need proof that a person is present. Headless, that proof is the store passphrase,
 * checked for the one request that carries it and never cached. In insecure-keyfile mode there is
 * nothing to check against, so admin actions are open (and `status` says so).
 */
import { DaemonError } from '../../../shared/errors.js';
import type { AdminProof } from '../../../shared/protocol.js';
import type { PassphraseVerifier } from './passphrase-verifier.js';

export async function checkAdminProof(verifier: PassphraseVerifier | null, proof: AdminProof | undefined): Promise<void> {
  if (verifier === null) return;
  if (proof?.passphrase === undefined) {
    throw new DaemonError(
      'ADMIN_REQUIRED',
      'this is an admin action: it needs the store passphrase, which only the person who owns the store should have',
      'the person can run it with --passphrase-file FILE, or in a terminal to be asked',
    );
  }
  if (!(await verifier.verify(proof.passphrase))) {
    throw new DaemonError('PASSPHRASE_INCORRECT', 'the passphrase is incorrect', 'check the passphrase file (one trailing newline is ignored)');
  }
}
