/**
 * The actions the audit filter offers: the daemon's own list (shared/audit-actions.ts), which types
 * what it may write, so the filter cannot miss one. An action not in it (an older log) is still shown.
 */
export { AUDIT_ACTIONS } from '../../../shared/audit-actions.js';
