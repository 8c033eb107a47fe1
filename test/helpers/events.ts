/** Subscribes to daemon events over the socket, the way `audit --follow` and the tray window do. */
import type { DaemonEvent } from '../../shared/protocol.js';
import { RpcClient } from '../../electron/cli/rpc-client.js';

export interface EventRecorder {
  events: DaemonEvent[];
  waitFor(predicate: (event: DaemonEvent) => boolean, timeoutMs?: number): Promise<DaemonEvent>;
  close(): void;
}

export async function recordEvents(socketPath: string): Promise<EventRecorder> {
  const client = await RpcClient.connect(socketPath);
  const events: DaemonEvent[] = [];
  const waiters = new Set<() => void>();
  client.onEvent = (event) => {
    events.push(event);
    waiters.forEach((wake) => wake());
  };
  await client.call('events.subscribe', {});
  return {
    events,
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; saw ${events.map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => client.close(),
  };
}
