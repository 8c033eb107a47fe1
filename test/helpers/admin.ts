/**
 * An admin request straight over the socket, with the proof the CLI would send (tests that play the
 * person without going through the CLI).
 */
import { RpcClient } from '../../electron/cli/rpc-client.js';
import type { MethodName, ParamsOf, ResultOf } from '../../shared/protocol.js';
import { PASSPHRASE } from './store.js';

export async function adminRpc<M extends MethodName>(socket: string, method: M, params: ParamsOf<M>, passphrase = PASSPHRASE): Promise<ResultOf<M>> {
  const client = await RpcClient.connect(socket);
  try {
    return await client.call(method, params, { passphrase });
  } finally {
    client.close();
  }
}
