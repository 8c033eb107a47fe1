import type { AppState } from '../../shared/ui-service.js';
// Placeholder until the view lands (issue 10, this session).
export function FirstRunView(_: { state: AppState; onState: (s: AppState) => void }) {
  return <p>first run</p>;
}
