import type { UiService } from '../../shared/ui-service.js';
// Placeholder until the view lands (issue 10, this session).
export function ApprovalWindow(_: { bridge: UiService; promptId: string }) {
  return <p>approval</p>;
}
