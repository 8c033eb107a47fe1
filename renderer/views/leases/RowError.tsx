/**
 * A failed action's error inside a fixed-height table row: the shared ErrorNote (role=alert, so it is
 * read out whole), laid out on the row's one line and cut with an ellipsis there; the full text shows
 * as a tooltip. A note that wrapped would make the row taller than the virtualiser's ROW_HEIGHT and
 * throw off every row below it.
 */
import { ErrorNote } from '../../components/ErrorNote.js';
import type { UiError } from '../../store/ui-error.js';

export function RowError({ error }: { error: UiError | null }) {
  if (error === null) return null;
  return (
    <div className="row-error" title={error.hint === undefined ? error.message : `${error.message} — ${error.hint}`}>
      <ErrorNote error={error} />
    </div>
  );
}
