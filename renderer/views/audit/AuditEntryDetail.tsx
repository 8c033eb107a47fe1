/**
 * One audit entry in full, under the timeline: its row cuts the detail to one line and the lease id
 * to its column, and a tooltip is for a mouse only. Shown for the row selected by a click or the arrow
 * keys; a short line announces each new selection to a screen reader.
 */
import type { AuditEntryT } from '../../../shared/protocol.js';
import { formatTime } from '../../components/format.js';
import { OUTCOME_PILL } from './format-entry.js';

interface Props {
  entry: AuditEntryT;
  onClose: () => void;
}

export function AuditEntryDetail({ entry, onClose }: Props) {
  return (
    <section className="audit-entry" aria-labelledby="audit-entry-title">
      <div className="toolbar">
        <h3 id="audit-entry-title">{`Entry #${entry.id}`}</h3>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="visually-hidden" aria-live="polite">{`Entry ${entry.id}: ${entry.action}, ${entry.outcome}${entry.client_id === null ? '' : `, client ${entry.client_id}`}`}</p>
      <dl className="facts">
        <dt>Time</dt>
        <dd>
          <time dateTime={entry.at}>{formatTime(entry.at)}</time> <span className="muted">{entry.at}</span>
        </dd>
        <dt>Action</dt>
        <dd className="mono">{entry.action}</dd>
        <dt>Outcome</dt>
        <dd>
          <span className={OUTCOME_PILL[entry.outcome]}>{entry.outcome}</span>
        </dd>
        <dt>Client</dt>
        <dd>{entry.client_id === null ? '—' : `${entry.client_id}${entry.pid === null ? '' : ` (pid ${entry.pid})`}`}</dd>
        <dt>Secret</dt>
        <dd>{entry.secret_name ?? '—'}</dd>
        <dt>Lease</dt>
        <dd className="mono">{entry.lease_id ?? '—'}</dd>
        <dt>Detail</dt>
        <dd>{entry.detail === null ? '—' : <pre className="audit-entry-detail">{JSON.stringify(entry.detail, null, 2)}</pre>}</dd>
      </dl>
    </section>
  );
}
