/**
 * The approval window (approval.html#<id>): one prompt at a time, opened by the main process
 * (electron/main/approval-queue.ts), which also closes it once the prompt is decided or timed out.
 * It has no daemon store: it loads its own prompt and listens for that prompt being decided elsewhere.
 */
import type { UiService } from '../../shared/ui-service.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { ConfirmationPrompt } from './approval/ConfirmationPrompt.js';
import { LeasePrompt } from './approval/LeasePrompt.js';
import { SETTLED_TEXT } from './approval/PromptFrame.js';
import { usePrompt } from './approval/use-prompt.js';

export function ApprovalWindow({ bridge, promptId }: { bridge: UiService; promptId: string }) {
  const { load, settled, retry } = usePrompt(bridge, promptId);
  switch (load.state) {
    case 'loading':
      return (
        <main className="approval">
          <p role="status" className="loading">Loading the request…</p>
        </main>
      );
    case 'error':
      return (
        <main className="approval">
          <ErrorNote error={load.error} onRetry={retry} />
        </main>
      );
    case 'not-found':
      return (
        <main className="approval">
          <h1>This request is no longer waiting</h1>
          <p className="muted">{settled === null ? 'It was answered, withdrawn or timed out.' : SETTLED_TEXT[settled]} This window closes by itself.</p>
        </main>
      );
    case 'ready':
      return load.prompt.kind === 'lease' ? (
        <LeasePrompt bridge={bridge} request={load.prompt.request} settled={settled} />
      ) : (
        <ConfirmationPrompt bridge={bridge} confirmation={load.prompt.confirmation} settled={settled} />
      );
  }
}
