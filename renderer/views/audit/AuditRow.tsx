/**
 * One entry of the timeline: a fixed-height row (the virtualiser positions it, AuditTable reuses it
 * for the next entry scrolled in), memoised so that a page landing re-renders no row in view.
 */
import { memo, useEffect, useRef } from 'react';
import type { AuditEntryT } from '../../../shared/protocol.js';
import { formatTime } from '../../components/format.js';
import { OUTCOME_PILL, detailSummary } from './format-entry.js';

export const COLUMNS = ['Time', 'Action', 'Outcome', 'Client', 'Secret', 'Lease', 'Detail'] as const;

interface RowProps {
  entry: AuditEntryT;
  /** 1-based among all rows, the header being row 1. */
  rowIndex: number;
  top: number;
  /** Shown in full below the table (AuditEntryDetail). */
  selected: boolean;
  onSelect: (id: number) => void;
  /** Take the keyboard focus once mounted (the entry a chain check pointed at). */
  focus: boolean;
  onFocused: () => void;
}

export const AuditRow = memo(function AuditRow({ entry, rowIndex, top, selected, onSelect, focus, onFocused }: RowProps) {
  const row = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!focus) return;
    row.current?.focus();
    onFocused();
  }, [focus, onFocused]);
  const detail = detailSummary(entry.detail);
  return (
    <div
      ref={row}
      role="row"
      aria-rowindex={rowIndex}
      aria-current={selected ? 'true' : undefined}
      tabIndex={selected ? -1 : undefined}
      className={selected ? 'audit-row highlighted' : 'audit-row'}
      style={{ top }}
      onClick={() => onSelect(entry.id)}
    >
      <span role="cell" title={entry.at}>
        <time dateTime={entry.at}>{formatTime(entry.at)}</time> <span className="muted">{`#${entry.id}`}</span>
      </span>
      <span role="cell" className="mono">
        {entry.action}
      </span>
      <span role="cell">
        <span className={OUTCOME_PILL[entry.outcome]}>{entry.outcome}</span>
      </span>
      <span role="cell" title={entry.pid === null ? undefined : `pid ${entry.pid}`}>
        {entry.client_id ?? ''}
      </span>
      <span role="cell">{entry.secret_name ?? ''}</span>
      <span role="cell" className="mono">
        {entry.lease_id ?? ''}
      </span>
      <span role="cell" className="muted" title={entry.detail === null ? undefined : JSON.stringify(entry.detail)}>
        {detail}
      </span>
    </div>
  );
});
