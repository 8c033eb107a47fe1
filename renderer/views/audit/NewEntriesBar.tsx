/**
 * What is newer than the rows shown: entries that arrived while Live was paused or the person was
 * reading further down, or, after a jump to an older entry, everything above it.
 */
import { MAX_PENDING } from './timeline-state.js';

interface Props {
  anchor: number | null;
  waiting: number;
  overflow: boolean;
  onJump: () => void;
}

export function NewEntriesBar({ anchor, waiting, overflow, onJump }: Props) {
  let text: string | null = null;
  if (anchor !== null) text = `Showing entry #${anchor} and older — jump to newest`;
  else if (overflow) text = `More than ${MAX_PENDING.toLocaleString()} new entries — jump to newest`;
  else if (waiting > 0) text = `${waiting.toLocaleString()} new ${waiting === 1 ? 'entry' : 'entries'} — jump to newest`;
  return (
    <div className="audit-new" aria-live="polite">
      {text !== null && (
        <button type="button" onClick={onJump}>
          {text}
        </button>
      )}
    </div>
  );
}
