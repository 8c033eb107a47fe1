/** Who is calling, as far as the transport can tell. Self-reported fields live in the params. */
import type { VerifiedIdentity } from './peer-identity.js';

/** The owner's socket (in the 0700 data dir), or the agent socket (agent rights only). */
export type SocketTransport = 'socket' | 'agent-socket';

export interface Caller {
  transport: SocketTransport | 'ipc';
  /**
   * The request's `auth` member as received (unvalidated): an admin proof for this request only, which
   * the dispatch checks (auth/admin-gate.ts).
   */
  proof?: unknown;
  /** Set by the dispatch once a proof checked out (or when the store has no passphrase at all). */
  admin?: boolean;
  /**
   * What the daemon verified about the calling process (kernel peer credentials, /proc), taken when
   * its connection was accepted (and re-checked on every request to still be that process); null
   * where the transport or platform cannot tell.
   */
  identity?: () => VerifiedIdentity | null;
  /** Present on transports that can stream events back to the caller: starts the stream. */
  subscribe?: () => void;
  /** Aborted when the caller goes away (its connection closes): waits on its behalf end. */
  signal?: AbortSignal;
  /** Sends the caller a notification before its answer (e.g. that its lease waits for a person). */
  notify?: (method: string, params: Record<string, unknown>) => void;
}
