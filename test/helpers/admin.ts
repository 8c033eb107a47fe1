/**
 * An admin request straight over the socket, with the proof the CLI would send (tests that play the
 * person without going through the CLI).
 */
import { provedCall } from '../../electron/cli/admin-proof.js';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import type { MethodName, ParamsOf, ResultOf } from '../../shared/protocol.js';

/** Test stores are made with scrypt work factor 10 (see TestStore.init). */
export const TEST_WORK_FACTOR = 10;
export const TEST_PASSPHRASE = 'correct horse battery staple';

/** One proved admin request on `client` (an open connection). */
export function adminCallOn<M extends MethodName>(client: RpcClient, method: M, params: ParamsOf<M>, passphrase = TEST_PASSPHRASE): Promise<ResultOf<M>> {
  return provedCall(client, method, params, passphrase, TEST_WORK_FACTOR);
}

/** One proved admin request on a fresh connection. */
export async function adminRpc<M extends MethodName>(socket: string, method: M, params: ParamsOf<M>, passphrase = TEST_PASSPHRASE): Promise<ResultOf<M>> {
  const client = await RpcClient.connect(socket);
  try {
    return await adminCallOn(client, method, params, passphrase);
  } finally {
    client.close();
  }
}
