/** JSON-RPC notification names (kept apart from the zod schemas so the CLI bundle stays small). */

/** Carries events to subscribers (`events.subscribe`). */
export const EVENT_NOTIFICATION = 'event';

/** Sent to a client whose lease waits for a person's decision, before the final answer. */
export const APPROVAL_PENDING_NOTIFICATION = 'approval.pending';

/** Sent to a terminal whose admin command waits for the person to confirm it in the tray app. */
export const ADMIN_CONFIRMATION_PENDING_NOTIFICATION = 'admin.confirmation_pending';
