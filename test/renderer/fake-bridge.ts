/**
 * A UI service double for component tests: answers from plain data, records every call, emits daemon
 * events on demand, and can make any method fail or hang, so each view's loading, error, empty,
 * populated and locked states can be shown.
 */
import type { AdminConfirmationT, ApprovalRequestT, AuditEntryT, ClientGrantT, DaemonEvent, LeaseInfoT, SecretMetaT, StatusT } from '../../shared/protocol.js';
import { Settings } from '../../shared/settings.js';
import type { AppState, UiService } from '../../shared/ui-service.js';

export interface FakeData {
  status: StatusT;
  app: AppState;
  leases: LeaseInfoT[];
  requests: ApprovalRequestT[];
  confirmations: AdminConfirmationT[];
  grants: ClientGrantT[];
  secrets: SecretMetaT[];
  audit: AuditEntryT[];
}

type Method = Exclude<keyof UiService, 'onEvent'>;
type Handler = (params: any) => unknown;

export interface FakeBridge {
  bridge: UiService;
  data: FakeData;
  calls: { method: Method; params: unknown }[];
  /** Answers `method` with `handler` from now on (return a value, or throw to reject). */
  on(method: Method, handler: Handler): void;
  /** Makes `method` reject with a daemon error. */
  fail(method: Method, code: string, message: string, hint?: string): void;
  /** Makes `method` never answer (the loading state). */
  hang(method: Method): void;
  emit(type: DaemonEvent['type'], data: Record<string, unknown>): void;
  callsOf(method: Method): unknown[];
}

export const T0 = Date.parse('2026-11-28T12:00:00.000Z');
export const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

export function fakeStatus(overrides: Partial<StatusT> = {}): StatusT {
  return {
    version: '0.1.0',
    pid: 4242,
    started_at: iso(-3_600_000),
    uptime_s: 3600,
    data_dir: '/home/person/.agent-secrets',
    socket: '/home/person/.agent-secrets/agent-secrets.sock',
    protection: 'passphrase',
    locked: false,
    killswitch: { engaged: false, changed_at: null, reason: null },
    heartbeat: { enabled: false },
    approvals: { policy: 'prompt', pending: 0, timeout: '120s' },
    admin: { failed_proofs: 0, locked_until: null },
    counts: { secrets: 0, active_leases: 0, audit_entries: 0 },
    limits: { default_lease_ttl: '1h', max_lease_ttl: '24h' },
    agent_socket: null,
    warnings: [],
    ...overrides,
  };
}

export function fakeLease(n: number, overrides: Partial<LeaseInfoT> = {}): LeaseInfoT {
  return {
    lease_id: `L-${String(n).padStart(12, '0')}`,
    secret_name: 'github_token',
    client_id: 'claude-code',
    launcher: '/usr/bin/node /usr/local/bin/claude',
    created_at: iso(-60_000),
    expires_at: iso(3_540_000),
    status: 'active',
    ...overrides,
  };
}

export function fakeSecret(name: string, overrides: Partial<SecretMetaT> = {}): SecretMetaT {
  return { name, description: null, rotate_via: null, created_at: iso(-86_400_000), updated_at: iso(-86_400_000), last_rotated_at: null, active_leases: 0, ...overrides };
}

export function fakeRequest(overrides: Partial<ApprovalRequestT> = {}): ApprovalRequestT {
  return {
    request_id: 'R-abcd1234',
    client_id: 'claude-code',
    secret_names: ['github_token'],
    ttl: '1h',
    reason: 'a new client',
    verified: {
      uid: 1000,
      user: 'person',
      limited: null,
      pid: 31337,
      exe: '/usr/bin/node',
      cwd: '/home/person/project',
      argv: ['node', '/usr/local/bin/claude'],
      parents: [{ pid: 31000, exe: '/usr/bin/bash', argv: ['bash'] }],
      launcher: '/usr/bin/node /usr/local/bin/claude',
    },
    reported_pid: 31337,
    env_file: null,
    created_at: iso(0),
    expires_at: iso(120_000),
    ...overrides,
  };
}

/** A terminal's admin command waiting for the person to confirm it in the window. */
export function fakeConfirmation(overrides: Partial<AdminConfirmationT> = {}): AdminConfirmationT {
  return {
    confirmation_id: 'C-wxyz5678',
    method: 'secrets.remove',
    command: 'secrets remove github_token --force',
    caller: fakeRequest().verified,
    created_at: iso(0),
    expires_at: iso(90_000),
    ...overrides,
  };
}

export function fakeGrant(overrides: Partial<ClientGrantT> = {}): ClientGrantT {
  return {
    grant_id: 'G-abcd1234',
    client_id: 'claude-code',
    launcher: '/usr/bin/node /usr/local/bin/claude',
    secrets: ['github_token'],
    max_ttl: null,
    created_at: iso(-600_000),
    expires_at: iso(3_000_000),
    source: 'approval',
    active: true,
    ...overrides,
  };
}

export function fakeAuditEntry(id: number, overrides: Partial<AuditEntryT> = {}): AuditEntryT {
  return { id, at: iso(id * 1000), action: 'lease.granted', outcome: 'ok', client_id: 'claude-code', pid: 31337, secret_name: 'github_token', lease_id: `L-${String(id).padStart(12, '0')}`, detail: { ttl: '1h' }, ...overrides };
}

export function createFakeBridge(initial: Partial<FakeData> = {}): FakeBridge {
  const data: FakeData = {
    status: fakeStatus(),
    app: { phase: 'running', store: 'passphrase', remember: { allowed: true }, offers: [] },
    leases: [],
    requests: [],
    confirmations: [],
    grants: [],
    secrets: [],
    audit: [],
    ...initial,
  };
  const listeners = new Set<(event: DaemonEvent) => void>();
  const calls: FakeBridge['calls'] = [];
  const handlers = new Map<Method, Handler>([
    ['status', () => data.status],
    ['app.state', () => data.app],
    ['app.startAtLogin', () => ({ enabled: false })],
    ['lease.list', () => ({ leases: data.leases })],
    ['requests.list', () => ({ requests: data.requests })],
    ['confirmations.list', () => ({ confirmations: data.confirmations })],
    ['clients.list', () => ({ grants: data.grants })],
    ['secrets.list', () => ({ secrets: data.secrets })],
    ['audit.query', () => ({ entries: data.audit })],
    ['audit.verify', () => ({ ok: true, checked: data.audit.length, first_bad: null })],
    // Settings: every default (shared/settings.ts), and a save that answers what it was given.
    ['config.get', () => ({ config: Settings.parse({}), path: '/home/person/.agent-secrets/config.json', restart_needed: [] })],
    ['config.set', (change) => ({ config: Settings.parse(change), path: '/home/person/.agent-secrets/config.json', changed: Object.keys(change).sort(), restart_needed: [] })],
  ]);
  const call = (method: Method) => async (params: unknown) => {
    calls.push({ method, params });
    const handler = handlers.get(method);
    if (handler === undefined) throw { code: 'INTERNAL', message: `the fake bridge has no answer for ${method}` };
    return handler(params);
  };
  const bridge = new Proxy({} as UiService, {
    get(_target, property: string) {
      if (property === 'onEvent') {
        return (listener: (event: DaemonEvent) => void) => (listeners.add(listener), () => void listeners.delete(listener));
      }
      return call(property as Method);
    },
  });
  return {
    bridge,
    data,
    calls,
    on: (method, handler) => void handlers.set(method, handler),
    fail: (method, code, message, hint) =>
      void handlers.set(method, () => {
        throw hint === undefined ? { code, message } : { code, message, hint };
      }),
    hang: (method) => void handlers.set(method, () => new Promise(() => {})),
    emit: (type, eventData) => {
      for (const listener of listeners) listener({ type, at: new Date().toISOString(), data: eventData });
    },
    callsOf: (method) => calls.filter((c) => c.method === method).map((c) => c.params),
  };
}
