/** In-process event bus; transports forward its events to subscribers as JSON-RPC notifications. */
import type { DaemonEvent, EventType } from '../../shared/protocol.js';

export type EventListener = (event: DaemonEvent) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: DaemonEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}

export function makeEvent(type: EventType, data: Record<string, unknown>, atMs: number): DaemonEvent {
  return { type, at: new Date(atMs).toISOString(), data };
}
