/**
 * The Audit tab: the tamper-evident log as a live, filterable, virtualised timeline, newest first,
 * with the chain check and a JSONL export. It reads the log through audit.query only (the daemon
 * filters and pages), so it works the same with the killswitch engaged.
 */
import { useEffect, useRef, useState } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { useLocked } from '../store/use-daemon.js';
import { AuditEntryDetail } from './audit/AuditEntryDetail.js';
import { AuditFilterForm } from './audit/AuditFilterForm.js';
import { AuditTable, type ScrollRequest } from './audit/AuditTable.js';
import { ExportJsonl } from './audit/ExportJsonl.js';
import { NewEntriesBar } from './audit/NewEntriesBar.js';
import { VerifyChain } from './audit/VerifyChain.js';
import { NO_FILTERS, isFiltered, rangeProblem } from './audit/filters.js';
import { type TimelineQuery, useAuditTimeline } from './audit/use-audit-timeline.js';

/** Typing pauses this long before the daemon is asked again. */
export const FILTER_DEBOUNCE_MS = 200;

export function AuditView() {
  const locked = useLocked();
  const [draft, setDraft] = useState(NO_FILTERS);
  const [query, setQuery] = useState<TimelineQuery>({ filters: NO_FILTERS, anchor: null });
  const problem = rangeProblem(draft);
  useEffect(() => {
    if (problem !== null) return;
    const timer = setTimeout(() => setQuery((q) => (q.filters === draft ? q : { filters: draft, anchor: null })), FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, problem]);

  const timeline = useAuditTimeline(query);
  const { state } = timeline;

  // Each query is shown from its top, or from the entry jumped to (focused once loaded).
  const [scroll, setScroll] = useState<ScrollRequest | null>(null);
  const seq = useRef(0);
  const scrollTo = (id: number | null) => setScroll({ id, seq: ++seq.current });
  useEffect(() => scrollTo(query.anchor), [query]);

  // The entry shown in full: the one jumped to, then whichever a click or the arrow keys choose.
  const [selectedId, setSelectedId] = useState<number | null>(null);
  useEffect(() => setSelectedId(query.anchor), [query]);
  const selected = selectedId === null ? undefined : state.entries.find((e) => e.id === selectedId);

  const clearFilters = () => {
    setDraft(NO_FILTERS);
    setQuery({ filters: NO_FILTERS, anchor: null });
  };
  const showEntry = (id: number) => {
    setDraft(NO_FILTERS);
    setQuery({ filters: NO_FILTERS, anchor: id });
  };
  const jumpToNewest = () => {
    if (query.anchor !== null) return setQuery((q) => ({ ...q, anchor: null }));
    timeline.showNew();
    scrollTo(null);
  };

  let body;
  if (state.phase === 'loading') body = <p role="status" className="loading">Loading the audit log…</p>;
  else if (state.phase === 'error') body = <ErrorNote error={state.error} onRetry={timeline.reload} />;
  else if (state.entries.length === 0 && isFiltered(query.filters))
    body = (
      <EmptyState title="No entries match">
        <button type="button" onClick={clearFilters}>
          Clear filters
        </button>
      </EmptyState>
    );
  else if (state.entries.length === 0)
    body = (
      <EmptyState title="Every lease, approval and change is recorded here" command="secrets audit --follow">
        <p>Nothing has been recorded yet. From a terminal, read or follow the log with:</p>
      </EmptyState>
    );
  else
    body = (
      <>
        <AuditTable entries={state.entries} complete={state.complete} older={state.older} onNearEnd={timeline.loadOlder} onAtTopChange={timeline.setAtTop} scrollRequest={scroll} selectedId={selectedId} onSelect={setSelectedId} />
        <ErrorNote error={state.older.error} onRetry={timeline.loadOlder} />
        {selected !== undefined && <AuditEntryDetail entry={selected} onClose={() => setSelectedId(null)} />}
      </>
    );

  return (
    <div className="audit-view">
      <div className="toolbar">
        <VerifyChain onShowEntry={showEntry} />
        <span className="spacer" />
        <label className="inline">
          <input type="checkbox" checked={timeline.live} onChange={(event) => timeline.setLive(event.target.checked)} />
          Live
        </label>
        <ExportJsonl filters={timeline.params} />
      </div>
      {locked && <p className="muted">Leases are refused while the killswitch is engaged or the store is locked; the log keeps recording and can still be read, verified and exported.</p>}
      <AuditFilterForm draft={draft} onChange={setDraft} onClear={clearFilters} problem={problem} />
      <NewEntriesBar anchor={query.anchor} waiting={state.pending.length} overflow={state.overflow} onJump={jumpToNewest} />
      {body}
    </div>
  );
}
