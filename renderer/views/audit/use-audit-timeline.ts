/**
 * The timeline's data: the newest page for the current filters (or from the entry jumped to), the
 * next older page on demand, and the live tail from the daemon store. New entries are prepended only
 * when the person is at the top with Live on; otherwise they wait, counted, so what is being read
 * never moves.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { AuditEntryT, ParamsOf } from '../../../shared/protocol.js';
import { useBridge } from '../../store/bridge.js';
import { toUiError } from '../../store/ui-error.js';
import { useStore } from '../../store/use-daemon.js';
import { type AuditFilters, matchesQuery, toQueryParams } from './filters.js';
import { FIRST_PAGE, PAGE, initialTimeline, timelineReducer } from './timeline-state.js';

/** What the timeline shows: entries matching `filters`, newest first — or, from `anchor` down, all. */
export interface TimelineQuery {
  filters: AuditFilters;
  anchor: number | null;
}

/** Live entries are applied in batches: a burst of a thousand grants is one render, not a thousand. */
const TAIL_BATCH_MS = 100;

export function useAuditTimeline(query: TimelineQuery) {
  const bridge = useBridge();
  const store = useStore();
  const [state, dispatch] = useReducer(timelineReducer, initialTimeline);
  const [live, setLiveState] = useState(true);
  const [reloads, setReloads] = useState(0);
  const params = useMemo<ParamsOf<'audit.query'>>(() => (query.anchor === null ? toQueryParams(query.filters) : {}), [query]);

  // Read by event handlers, which must not re-subscribe on every render.
  const view = useRef({ atTop: true, live: true, params, state });
  view.current.params = params;
  view.current.state = state;
  const showNow = () => view.current.atTop && view.current.live;

  const generation = useRef(0);
  // A layout effect, so the request leaves during the commit rather than after the browser paints the
  // frame (a passive effect waits for that paint: 100–300 ms when the tab opens with the dashboard).
  useLayoutEffect(() => {
    const mine = ++generation.current;
    // A new query is shown from its top (the view scrolls there).
    view.current.atTop = true;
    dispatch({ type: 'load', generation: mine, anchor: query.anchor });
    const first = query.anchor === null ? params : { before_id: query.anchor + 1 };
    bridge['audit.query']({ ...first, tail: FIRST_PAGE, newest_first: true }).then(
      ({ entries }) => dispatch({ type: 'page', generation: mine, entries, asked: FIRST_PAGE, older: false, showNew: showNow() }),
      (error: unknown) => dispatch({ type: 'failed', generation: mine, error: toUiError(error), older: false }),
    );
  }, [bridge, params, query.anchor, reloads]);

  const loadOlder = useCallback(() => {
    const { state: now, params: filters } = view.current;
    const oldest = now.entries.at(-1);
    if (now.phase !== 'ready' || now.complete || now.older.loading || oldest === undefined) return;
    const mine = now.generation;
    dispatch({ type: 'loading-older', generation: mine });
    bridge['audit.query']({ ...filters, tail: PAGE, newest_first: true, before_id: oldest.id }).then(
      ({ entries }) => dispatch({ type: 'page', generation: mine, entries, asked: PAGE, older: true, showNew: false }),
      (error: unknown) => dispatch({ type: 'failed', generation: mine, error: toUiError(error), older: true }),
    );
  }, [bridge]);

  useEffect(() => {
    let batch: AuditEntryT[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const entries = batch;
      batch = [];
      dispatch({ type: 'appended', entries, showNew: showNow() });
    };
    const unsubscribe = store.onAudit((entry) => {
      if (!matchesQuery(entry, view.current.params)) return;
      batch.push(entry);
      timer ??= setTimeout(flush, TAIL_BATCH_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);

  /** Shows the waiting entries (or, when too many came, the newest page again). */
  const showNew = useCallback(() => {
    if (view.current.state.overflow) reload();
    else dispatch({ type: 'show-new' });
  }, [reload]);

  const reveal = () => {
    const { state: now } = view.current;
    if (showNow() && now.anchor === null && (now.pending.length > 0 || now.overflow)) showNew();
  };

  /** The table reports whether the person is at the top: only there may new entries move the rows. */
  const setAtTop = useCallback((atTop: boolean) => {
    view.current.atTop = atTop;
    reveal();
  }, []);

  const setLive = useCallback((on: boolean) => {
    view.current.live = on;
    setLiveState(on);
    reveal();
  }, []);

  return { state, params, live, setLive, setAtTop, loadOlder, reload, showNew };
}
