/**
 * The daemon as an external store (React's `useSyncExternalStore`): one snapshot of what the window
 * shows, loaded once through the UI service and then kept live by its events — never by polling.
 * Each slice is replaced only when it changed, and a lease event replaces only that lease's record,
 * so a memoised row re-renders for its own lease and nothing else.
 */
import type { AdminConfirmationT, ApprovalRequestT, ClientGrantT, DaemonEvent, LeaseInfoT, SecretMetaT, StatusT, AuditEntryT } from '../../shared/protocol.js';
import type { UiService } from '../../shared/ui-service.js';
import { type UiError, toUiError } from './ui-error.js';

export type Load<T> = { state: 'loading' } | { state: 'ready'; data: T } | { state: 'error'; error: UiError };

export interface Snapshot {
  status: Load<StatusT>;
  /** Active leases by id, in the order the daemon listed them (new ones last). */
  leases: Load<ReadonlyMap<string, LeaseInfoT>>;
  requests: Load<readonly ApprovalRequestT[]>;
  confirmations: Load<readonly AdminConfirmationT[]>;
  grants: Load<readonly ClientGrantT[]>;
  secrets: Load<readonly SecretMetaT[]>;
}

export type Slice = keyof Snapshot;
const SLICES: Slice[] = ['status', 'leases', 'requests', 'confirmations', 'grants', 'secrets'];

/** Which slices an event makes stale, for events whose data is not the record itself. */
const RELOADS: Partial<Record<DaemonEvent['type'], Slice[]>> = {
  'secret.changed': ['secrets', 'status'],
  'rotate.completed': ['secrets'],
  'rotate.failed': ['secrets'],
  'client.changed': ['grants'],
  'killswitch.engaged': ['status', 'leases', 'requests'],
  'killswitch.disengaged': ['status'],
  'lease.granted': ['status'],
  'lease.revoked': ['status'],
  'lease.expired': ['status'],
  'approval.requested': ['status'],
  'approval.decided': ['status', 'grants'],
};

export interface DaemonStore {
  getSnapshot(): Snapshot;
  subscribe(listener: () => void): () => void;
  /** Reloads slices now (after an action whose event may not change them, or on "Retry"). */
  reload(...slices: Slice[]): Promise<void>;
  /** New audit entries as the daemon appends them (the timeline's live tail). */
  onAudit(listener: (entry: AuditEntryT) => void): () => void;
  /** Stops following events. */
  close(): void;
}

const loading = { state: 'loading' } as const;

export interface StoreOptions {
  /**
   * The slices the window shows first (its open tab's): asked for at once with the status, the rest
   * only once these have answered, so the tab on screen never waits behind a thousand leases it does
   * not show. Omitted: every slice at once.
   */
  first?: readonly Slice[];
}

export function createDaemonStore(bridge: UiService, options: StoreOptions = {}): DaemonStore {
  let snapshot: Snapshot = { status: loading, leases: loading, requests: loading, confirmations: loading, grants: loading, secrets: loading };
  const listeners = new Set<() => void>();
  const auditListeners = new Set<(entry: AuditEntryT) => void>();
  const publish = (next: Partial<Snapshot>) => {
    snapshot = { ...snapshot, ...next };
    for (const listener of listeners) listener();
  };

  const loaders: { [S in Slice]: () => Promise<Snapshot[S]> } = {
    status: async () => ready(await bridge.status({})),
    leases: async () => ready(new Map((await bridge['lease.list']({})).leases.map((lease) => [lease.lease_id, lease]))),
    requests: async () => ready((await bridge['requests.list']({})).requests),
    confirmations: async () => ready((await bridge['confirmations.list']({})).confirmations),
    grants: async () => ready((await bridge['clients.list']({})).grants),
    secrets: async () => ready((await bridge['secrets.list']({})).secrets),
  };
  // A slice loading has a generation: an answer older than the latest request is dropped.
  const generation = new Map<Slice, number>();
  const load = async (slice: Slice): Promise<void> => {
    const mine = (generation.get(slice) ?? 0) + 1;
    generation.set(slice, mine);
    let next: Snapshot[Slice];
    try {
      next = await loaders[slice]();
    } catch (error) {
      next = { state: 'error', error: toUiError(error) };
    }
    if (generation.get(slice) === mine) publish({ [slice]: next });
  };

  // Events arrive in bursts (a killswitch revokes a thousand leases): reloads are coalesced per turn.
  const stale = new Set<Slice>();
  let flushing = false;
  const markStale = (slices: Slice[]) => {
    for (const slice of slices) stale.add(slice);
    if (flushing) return;
    flushing = true;
    setTimeout(() => {
      flushing = false;
      const now = [...stale];
      stale.clear();
      for (const slice of now) void load(slice);
    }, 0);
  };

  const onEvent = (event: DaemonEvent) => {
    applyRecord(event);
    const slices = RELOADS[event.type];
    if (slices !== undefined) markStale(slices);
    if (event.type === 'audit.appended') for (const listener of auditListeners) listener(event.data.entry as AuditEntryT);
  };

  /** Events that carry their record change the snapshot at once, without a round trip. */
  function applyRecord(event: DaemonEvent): void {
    const data = event.data;
    switch (event.type) {
      case 'lease.granted':
      case 'lease.renewed':
        return updateLeases((map) => map.set((data.lease as LeaseInfoT).lease_id, data.lease as LeaseInfoT));
      case 'lease.revoked':
      case 'lease.expired':
        return updateLeases((map) => map.delete((data.lease as LeaseInfoT).lease_id));
      case 'approval.requested':
        return updateList('requests', (list) => withRequest(list, data.request as ApprovalRequestT));
      case 'approval.decided':
        return updateList('requests', (list) => list.filter((r) => r.request_id !== (data.request as ApprovalRequestT).request_id));
      case 'confirmation.requested':
        return updateList('confirmations', (list) => [...list, data.confirmation as AdminConfirmationT]);
      case 'confirmation.decided':
        return updateList('confirmations', (list) => list.filter((c) => c.confirmation_id !== (data.confirmation as AdminConfirmationT).confirmation_id));
      default:
        return;
    }
  }

  function updateLeases(change: (map: Map<string, LeaseInfoT>) => unknown): void {
    // Still loading: the answer on its way may predate this event, so ask again once it is in.
    if (snapshot.leases.state !== 'ready') return markStale(['leases']);
    const map = new Map(snapshot.leases.data);
    change(map);
    publish({ leases: ready(map) });
  }

  function updateList<S extends 'requests' | 'confirmations'>(slice: S, change: (list: Extract<Snapshot[S], { state: 'ready' }>['data']) => Extract<Snapshot[S], { state: 'ready' }>['data']): void {
    const current = snapshot[slice];
    if (current.state !== 'ready') return markStale([slice]);
    publish({ [slice]: ready(change(current.data as never)) });
  }

  const unsubscribe = bridge.onEvent(onEvent);
  if (options.first === undefined) for (const slice of SLICES) void load(slice);
  else {
    const first = SLICES.filter((slice) => slice === 'status' || options.first!.includes(slice));
    void Promise.all(first.map(load)).then(() => {
      for (const slice of SLICES) if (!first.includes(slice) && generation.get(slice) === undefined) void load(slice);
    });
  }

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload: (...slices) => Promise.all(slices.map(load)).then(() => {}),
    onAudit(listener) {
      auditListeners.add(listener);
      return () => auditListeners.delete(listener);
    },
    close: unsubscribe,
  };
}

/** A request announced again (re-dated when the wall clock was set) keeps its place; a new one goes last. */
function withRequest(list: readonly ApprovalRequestT[], request: ApprovalRequestT): ApprovalRequestT[] {
  const known = list.some((r) => r.request_id === request.request_id);
  return known ? list.map((r) => (r.request_id === request.request_id ? request : r)) : [...list, request];
}

function ready<T>(data: T): { state: 'ready'; data: T } {
  return { state: 'ready', data };
}
