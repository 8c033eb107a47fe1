/**
 * The actions the daemon writes to the audit log (grep `action:` in electron/daemon), for the action
 * filter. Kept here because only the timeline offers them as a choice; the daemon accepts any string,
 * so an action missing from this list is still shown, just not offered as a filter.
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
  'admin.denied',
  'admin.confirmation_requested',
  'admin.confirmation_decided',
  'connection.refused',
  'daemon.started',
  'daemon.stopped',
  'store.initialized',
  'clock.jumped',
] as const;
