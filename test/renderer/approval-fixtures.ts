/** A terminal's admin command waiting for confirmation, for the approval window and Approvals tab tests. */
import type { AdminConfirmationT } from '../../shared/protocol.js';
import { fakeRequest, iso } from './fake-bridge.js';

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
