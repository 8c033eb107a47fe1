/** Who is calling, as far as the transport can tell. Self-reported fields live in the params. */
import type { AdminProof } from '../../shared/protocol.js';

export interface Caller {
  transport: 'socket' | 'ipc';
  /** Proof of a person for admin methods (the passphrase), for this request only. */
  proof?: AdminProof;
  /** Present on transports that can stream events back to the caller: starts the stream. */
  subscribe?: () => void;
}
