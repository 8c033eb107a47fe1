/**
 * What the timeline holds, as a pure reducer: the loaded entries newest first (a window of the log,
 * paged from the daemon), the new entries waiting to be shown, and whether older ones remain. Every
 * answer carries the generation of the load it belongs to, so an answer for filters since replaced is
 * dropped instead of mixing two queries.
 */
import type { AuditEntryT } from '../../../shared/protocol.js';
import type { UiError } from '../../store/ui-error.js';

/** Entries per request: enough to fill many screens, small enough to cross IPC at once. */
export const PAGE = 1000;
/** Loaded entries kept while the tail prepends at the top; older ones are fetched again if scrolled to. */
export const MAX_LOADED = 20 * PAGE;

export interface TimelineState {
  generation: number;
  phase: 'loading' | 'ready' | 'error';
  error: UiError | null;
  /** Newest first. */
  entries: readonly AuditEntryT[];
  /** No older entry matches. */
  complete: boolean;
  older: { loading: boolean; error: UiError | null };
  /** New entries not shown yet (Live paused, or the person scrolled away from the top); newest first. */
  pending: readonly AuditEntryT[];
  /** More arrived than `pending` keeps: showing them means loading the newest page again. */
  overflow: boolean;
  /** The entry jumped to (chain check): the window starts there, newer entries are not loaded. */
  anchor: number | null;
}

export type TimelineAction =
  | { type: 'load'; generation: number; anchor: number | null }
  | { type: 'page'; generation: number; entries: readonly AuditEntryT[]; older: boolean; showNew: boolean }
  | { type: 'failed'; generation: number; error: UiError; older: boolean }
  | { type: 'loading-older'; generation: number }
  | { type: 'appended'; entries: readonly AuditEntryT[]; showNew: boolean }
  | { type: 'show-new' };

export const initialTimeline: TimelineState = {
  generation: 0,
  phase: 'loading',
  error: null,
  entries: [],
  complete: false,
  older: { loading: false, error: null },
  pending: [],
  overflow: false,
  anchor: null,
};

/** The newest id the timeline knows of, shown or waiting: live entries at or below it are repeats. */
export function newestKnown(state: TimelineState): number {
  return Math.max(state.pending[0]?.id ?? 0, state.anchor === null ? (state.entries[0]?.id ?? 0) : 0);
}

export function timelineReducer(state: TimelineState, action: TimelineAction): TimelineState {
  switch (action.type) {
    case 'load':
      return { ...initialTimeline, generation: action.generation, anchor: action.anchor };
    case 'loading-older':
      if (action.generation !== state.generation) return state;
      return { ...state, older: { loading: true, error: null } };
    case 'failed':
      if (action.generation !== state.generation) return state;
      return action.older ? { ...state, older: { loading: false, error: action.error } } : { ...state, phase: 'error', error: action.error };
    case 'page':
      if (action.generation !== state.generation) return state;
      if (action.older) {
        const oldest = state.entries.at(-1)?.id ?? Infinity;
        return { ...state, entries: [...state.entries, ...action.entries.filter((e) => e.id < oldest)], complete: action.entries.length < PAGE, older: { loading: false, error: null } };
      }
      return withNew({ ...state, phase: 'ready', entries: action.entries, complete: action.entries.length < PAGE }, [], action.showNew, true);
    case 'appended':
      return withNew(state, action.entries, action.showNew, false);
    case 'show-new':
      return showPending(state);
    default:
      return missingCase(action);
  }
}

/**
 * Adds live entries (oldest first, as they arrived) to the pending ones, dropping repeats — after a
 * load, those its first page already holds — and shows them at once when the person is at the top with
 * Live on. While they wait, at most a page is kept; beyond that, showing them reloads the newest page.
 */
function withNew(state: TimelineState, arrived: readonly AuditEntryT[], showNew: boolean, afterLoad: boolean): TimelineState {
  let pending: AuditEntryT[];
  if (afterLoad) {
    const shownNewest = state.anchor === null ? (state.entries[0]?.id ?? 0) : 0;
    pending = state.pending.filter((e) => e.id > shownNewest);
  } else {
    let floor = newestKnown(state);
    const fresh: AuditEntryT[] = [];
    for (const entry of arrived) if (entry.id > floor) (fresh.push(entry), (floor = entry.id));
    if (fresh.length === 0) return state;
    pending = [...fresh.reverse(), ...state.pending];
  }
  const next = { ...state, pending };
  if (showNew && state.phase === 'ready' && state.anchor === null && !state.overflow) return showPending(next);
  return pending.length > PAGE ? { ...next, pending: pending.slice(0, PAGE), overflow: true } : next;
}

function showPending(state: TimelineState): TimelineState {
  const all = [...state.pending, ...state.entries];
  const entries = all.length > MAX_LOADED ? all.slice(0, MAX_LOADED) : all;
  return { ...state, entries, pending: [], complete: state.complete && entries.length === all.length };
}

function missingCase(x: never): never {
  throw new Error(`unhandled timeline action ${JSON.stringify(x)}`);
}
