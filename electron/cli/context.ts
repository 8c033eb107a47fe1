/** What every command gets: parsed arguments, the output mode, where the daemon is, and a caller. */
import { homedir } from 'node:os';
import { DaemonError, isDaemonError } from '../../shared/errors.js';
import { defaultDataDir } from '../../shared/locations.js';
import type { MethodName, ParamsOf, ResultOf } from '../../shared/protocol.js';
import { ADMIN_CONFIRMATION_PENDING_NOTIFICATION } from '../../shared/notifications.js';
import { proofFloor, provedCall } from './admin-proof.js';
import { obtainPassphrase } from './inputs.js';
import type { OutputMode } from './output.js';
import { RpcClient } from './rpc-client.js';
import { chooseSocket } from './socket-choice.js';

export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CommandContext {
  command: string;
  positionals: string[];
  values: Values;
  mode: OutputMode;
  dataDir: string;
  socketPath: string;
  /** One request on a fresh connection. */
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  /** The same, handing notifications sent before the answer to `onNotification`. */
  callWithNotifications<M extends MethodName>(method: M, params: ParamsOf<M>, onNotification: (method: string, params: Record<string, unknown>) => void): Promise<ResultOf<M>>;
  /**
   * An admin request: proves a person with --passphrase-file, or, when the daemon asks for proof and a
   * terminal is there, with the passphrase typed at a hidden prompt. `always`: prove even though the
   * method works without proof (a holder method acting for the store owner, e.g. `leases --owner`).
   */
  adminCall<M extends MethodName>(method: M, params: ParamsOf<M>, always?: boolean): Promise<ResultOf<M>>;
}

export function createContext(command: string, positionals: string[], values: Values, mode: OutputMode, env = process.env): CommandContext {
  const dataDir = defaultDataDir(env, process.platform, homedir());
  const socketPath = chooseSocket(dataDir, env);

  async function request<M extends MethodName>(
    method: M,
    params: ParamsOf<M>,
    passphrase?: string,
    onNotification?: (method: string, params: Record<string, unknown>) => void,
  ): Promise<ResultOf<M>> {
    const client = await RpcClient.connect(socketPath);
    client.onNotification = onNotification ?? null;
    try {
      return await (passphrase === undefined ? client.call(method, params) : provedCall(client, method, params, passphrase, proofFloor(dataDir)));
    } finally {
      client.close();
    }
  }

  return {
    command,
    positionals,
    values,
    mode,
    dataDir,
    socketPath,
    call: (method, params) => request(method, params),
    callWithNotifications: (method, params, onNotification) => request(method, params, undefined, onNotification),
    async adminCall(method, params, always = false) {
      const file = values['passphrase-file'] as string | undefined;
      if (file !== undefined) return request(method, params, (await obtainPassphrase(file))!);
      if (always) {
        const passphrase = await obtainPassphrase(undefined, 'Store passphrase (admin action): ');
        if (passphrase === null) throw ownerOnly();
        return request(method, params, passphrase);
      }
      try {
        // With the tray app running, the daemon asks the person in its window and this waits.
        return await request(method, params, undefined, tellConfirmationPending);
      } catch (error) {
        if (!isDaemonError(error) || error.code !== 'ADMIN_REQUIRED') throw error;
        const passphrase = await obtainPassphrase(undefined, 'Store passphrase (admin action): ');
        if (passphrase === null) throw error;
        return request(method, params, passphrase);
      }
    },
  };
}

/** The daemon waits for the person to confirm this command in the app: say so on stderr. */
function tellConfirmationPending(method: string, params: Record<string, unknown>): void {
  if (method !== ADMIN_CONFIRMATION_PENDING_NOTIFICATION) return;
  const { confirmation_id } = params.confirmation as { confirmation_id: string };
  process.stderr.write(`secrets: waiting for you to confirm this in the Agent Secrets window (${confirmation_id}); it is refused if nobody does\n`);
}

function ownerOnly(): DaemonError {
  return new DaemonError(
    'ADMIN_REQUIRED',
    "acting for the store owner (every client's leases) needs the store passphrase, and there is no terminal to ask on",
    'the person runs it in a terminal, or with --passphrase-file FILE; an agent leaves out --owner to act on its own leases',
  );
}
