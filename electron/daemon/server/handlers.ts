/** What each protocol method does, given already validated and authorised params: one file per concern. */
import type { Core } from '../core.js';
import { approvalHandlers } from './handlers/approvals.js';
import { auditHandlers } from './handlers/audit.js';
import { configHandlers } from './handlers/config.js';
import { killswitchHandlers } from './handlers/incident.js';
import { leaseHandlers } from './handlers/leases.js';
import { projectHandlers } from './handlers/project.js';
import { scanHandlers } from './handlers/scan.js';
import { secretHandlers } from './handlers/secrets.js';
import { statusHandlers } from './handlers/status.js';
import type { Handlers } from './handlers/types.js';

export type { Handler, Handlers } from './handlers/types.js';

export function createHandlers(core: Core): Handlers {
  return {
    ...statusHandlers(core),
    ...secretHandlers(core),
    ...leaseHandlers(core),
    ...projectHandlers(core),
    ...approvalHandlers(core),
    ...killswitchHandlers(core),
    ...auditHandlers(core),
    ...configHandlers(core),
    ...scanHandlers(core),
  };
}
