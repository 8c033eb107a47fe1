/**
 * Every action the daemon writes to the audit log. The daemon's append takes only these (its
 * `AuditInput.action` is this union), so a new action cannot be written without being listed here,
 * and the window's audit filter offers exactly this list. Readers still accept any string: an old
 * log may hold actions no longer written.
 */
export const AUDIT_ACTIONS = [
  'lease.granted',
  'lease.renewed',
  'lease.revoked',
  'lease.expired',
  'approval.requested',
  'approval.decided',
  'approval.refused',
  'client.allowed',
  'client.forgotten',
  'client.grant_revoked',
  'secret.added',
  'secret.updated',
  'secret.removed',
  'secret.rotated',
  'secret.rotation_failed',
  'killswitch.engaged',
  'killswitch.disengaged',
  'heartbeat.failed',
  'heartbeat.triggered',
  'config.changed',
  'admin.denied',
  'admin.confirmation_requested',
  'admin.confirmation_decided',
  'connection.refused',
  'daemon.started',
  'daemon.stopped',
  'store.initialized',
  'clock.jumped',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
