/** Who is calling, as far as the transport can tell. Self-reported fields live in the params. */
import type { AdminProof } from '../../../shared/protocol.js';
import type { VerifiedIdentity } from './peer-identity.js';

export interface Caller {
  transport: 'socket' | 'ipc';
  /** Proof of a person for admin methods (the passphrase), for this request only. */
  proof?: AdminProof;
  /**
   * What the daemon verified about the calling process (kernel peer credentials, /proc), read on
   * first use; null where the transport or platform cannot tell.
   */
  identity?: () => VerifiedIdentity | null;
  /** Present on transports that can stream events back to the caller: starts the stream. */
  subscribe?: () => void;
  /** Aborted when the caller goes away (its connection closes): waits on its behalf end. */
  signal?: AbortSignal;
  /** Sends the caller a notification before its answer (e.g. that its lease waits for a person). */
  notify?: (method: string, params: Record<string, unknown>) => void;
}
