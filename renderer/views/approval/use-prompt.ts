/**
 * The approval window's prompt, loaded by itself (the window has no daemon store): a lease request
 * (`R-…`) from `requests.list` or a terminal's admin command (`C-…`) from `confirmations.list`, and
 * whether the daemon announced it decided elsewhere (the dashboard, a terminal, its own timeout).
 */
import { useCallback, useEffect, useState } from 'react';
import type { AdminConfirmationT, ApprovalRequestT, DaemonEvent } from '../../../shared/protocol.js';
import type { UiService } from '../../../shared/ui-service.js';
import { type UiError, toUiError } from '../../store/ui-error.js';

export type Prompt = { kind: 'lease'; request: ApprovalRequestT } | { kind: 'confirmation'; confirmation: AdminConfirmationT };

export type PromptLoad = { state: 'loading' } | { state: 'error'; error: UiError } | { state: 'not-found' } | { state: 'ready'; prompt: Prompt };

async function findPrompt(bridge: UiService, promptId: string): Promise<Prompt | null> {
  if (promptId.startsWith('R-')) {
    const { requests } = await bridge['requests.list']({});
    const request = requests.find((r) => r.request_id === promptId);
    return request === undefined ? null : { kind: 'lease', request };
  }
  if (promptId.startsWith('C-')) {
    const { confirmations } = await bridge['confirmations.list']({});
    const confirmation = confirmations.find((c) => c.confirmation_id === promptId);
    return confirmation === undefined ? null : { kind: 'confirmation', confirmation };
  }
  return null;
}

/**
 * How the daemon settled a prompt without this window: decided in the dashboard, a terminal or by its
 * timeout ('elsewhere'), or denied with every pending lease request when the killswitch engaged.
 */
export type Settled = 'elsewhere' | 'killswitch';

function settledBy(event: DaemonEvent, promptId: string): Settled | null {
  if (event.type === 'approval.decided') return (event.data.request as ApprovalRequestT | undefined)?.request_id === promptId ? 'elsewhere' : null;
  if (event.type === 'confirmation.decided') return (event.data.confirmation as AdminConfirmationT | undefined)?.confirmation_id === promptId ? 'elsewhere' : null;
  // Engaging denies pending lease requests only; a terminal's command (disengage!) still waits.
  if (event.type === 'killswitch.engaged') return promptId.startsWith('R-') ? 'killswitch' : null;
  return null;
}

export function usePrompt(bridge: UiService, promptId: string): { load: PromptLoad; settled: Settled | null; retry: () => void } {
  const [load, setLoad] = useState<PromptLoad>({ state: 'loading' });
  const [settled, setSettled] = useState<Settled | null>(null);
  const [attempt, setAttempt] = useState(0);

  // Subscribed before the list is asked for, so a decision landing while it loads is not missed.
  useEffect(
    () =>
      bridge.onEvent((event) => {
        const how = settledBy(event, promptId);
        // The first word stands: a killswitch after a decision does not rewrite what happened.
        if (how !== null) setSettled((before) => before ?? how);
      }),
    [bridge, promptId],
  );

  useEffect(() => {
    let current = true;
    setLoad({ state: 'loading' });
    findPrompt(bridge, promptId).then(
      (prompt) => current && setLoad(prompt === null ? { state: 'not-found' } : { state: 'ready', prompt }),
      (error: unknown) => current && setLoad({ state: 'error', error: toUiError(error) }),
    );
    return () => void (current = false);
  }, [bridge, promptId, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { load, settled, retry };
}
