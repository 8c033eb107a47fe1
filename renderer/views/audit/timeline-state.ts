/**
 * What the timeline holds, as a pure reducer: the loaded entries newest first (a window of the log,
 * paged from the daemon), the new entries waiting to be shown, and whether older ones remain. Every
 * answer carries the generation of the load it belongs to, so an answer for filters since replaced is
 * dropped instead of mixing two queries.
 */
import type { AuditEntryT } from '../../../shared/protocol.js';
import type { UiError } from '../../store/ui-error.js';

/**
 * The first request of a query: a few screens of rows. Only ~25 rows are on screen, and every entry
 * asked for crosses IPC and is deserialised on the main thread before anything shows (1,000 entries
 * are ~300 KB), so the first rows come sooner the smaller this is.
 */
export const FIRST_PAGE = 100;
/**
 * Each older request, asked for well before the rows run out (AuditTable's NEAR_END). Pages land while
 * a person scrolls, each deserialised and applied in one task: at 1,000 entries that task was the
 * longest frame of a fast scroll (100–400 ms in the bench), at 250 it fits in a frame or two. A flick
 * faster than the round trips shows the "Loading older entries…" row until the next page lands.
 */
export const PAGE = 250;
/** Loaded entries kept while the tail prepends at the top; older ones are fetched again if scrolled to. */
export const MAX_LOADED = 20_000;
/** New entries kept while they wait; past this, showing them loads the newest page again. */
export const MAX_PENDING = 1000;

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
  /** `asked`: how many entries the request asked for; fewer means no older one remains. */
  | { type: 'page'; generation: number; entries: readonly AuditEntryT[]; asked: number; older: boolean; showNew: boolean }
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
        return { ...state, entries: [...state.entries, ...action.entries.filter((e) => e.id < oldest)], complete: action.entries.length < action.asked, older: { loading: false, error: null } };
      }
      return withNew({ ...state, phase: 'ready', entries: action.entries, complete: action.entries.length < action.asked }, [], action.showNew, true);
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
 * Live on. While they wait, at most MAX_PENDING are kept; beyond that, showing them reloads the newest page.
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
  return pending.length > MAX_PENDING ? { ...next, pending: pending.slice(0, MAX_PENDING), overflow: true } : next;
}

function showPending(state: TimelineState): TimelineState {
  const all = [...state.pending, ...state.entries];
  const entries = all.length > MAX_LOADED ? all.slice(0, MAX_LOADED) : all;
  return { ...state, entries, pending: [], complete: state.complete && entries.length === all.length };
}

function missingCase(x: never): never {
  throw new Error(`unhandled timeline action ${JSON.stringify(x)}`);
}
