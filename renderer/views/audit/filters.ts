/**
 * The timeline's filters as the form holds them (strings, as typed), and the two things made of them:
 * the daemon query (which applies them, so one entry is found among 100,000 without loading them) and
 * the same test for one live entry, so the tail shows only what the query would have returned.
 */
import type { AuditEntryT, ParamsOf } from '../../../shared/protocol.js';

export interface AuditFilters {
  action: string;
  client: string;
  secret: string;
  /** `datetime-local` values (local time, to the minute): from its start, to the end of its minute. */
  from: string;
  to: string;
  text: string;
}

export const NO_FILTERS: AuditFilters = { action: '', client: '', secret: '', from: '', to: '', text: '' };

export function isFiltered(filters: AuditFilters): boolean {
  return Object.values(filters).some((value) => value.trim() !== '');
}

/** A `datetime-local` value as ms; "to" covers the whole minute (or second) it shows. */
function localTime(value: string, end: boolean): number | undefined {
  if (value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  return end ? ms + (value.length <= 16 ? 59_999 : 999) : ms;
}

/** Why the filters cannot be applied, or null. */
export function rangeProblem(filters: AuditFilters): string | null {
  const from = localTime(filters.from, false);
  const to = localTime(filters.to, true);
  return from !== undefined && to !== undefined && from > to ? '“To” is before “From”' : null;
}

/** The audit.query params for these filters (paging and order are the caller's). */
export function toQueryParams(filters: AuditFilters): ParamsOf<'audit.query'> {
  const params: ParamsOf<'audit.query'> = {};
  const action = filters.action.trim();
  const client = filters.client.trim();
  const secret = filters.secret.trim();
  const text = filters.text.trim();
  const from = localTime(filters.from, false);
  const until = localTime(filters.to, true);
  if (action !== '') params.action = action;
  if (client !== '') params.client_id = client;
  if (secret !== '') params.secret_name = secret;
  if (from !== undefined) params.from = new Date(from).toISOString();
  if (until !== undefined) params.until = new Date(until).toISOString();
  if (text !== '') params.text = text;
  return params;
}

/** SQLite's lower() folds ASCII only; folding the same way keeps the tail and the query in step. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * The entry's stored text as the daemon searches it: its canonical JSON (electron/daemon/audit/
 * audit-chain.ts `canonicalEntry`), with `at` in ms since the epoch.
 */
function storedText(entry: AuditEntryT): string {
  const { id, at, action, outcome, client_id, pid, secret_name, lease_id, detail } = entry;
  return JSON.stringify({ id, at: Date.parse(at), action, outcome, client_id, pid, secret_name, lease_id, detail });
}

/** Whether the daemon's query with `params` would return this entry (ignoring paging). */
export function matchesQuery(entry: AuditEntryT, params: ParamsOf<'audit.query'>): boolean {
  const at = Date.parse(entry.at);
  return (
    (params.action === undefined || entry.action === params.action) &&
    (params.client_id === undefined || entry.client_id === params.client_id) &&
    (params.secret_name === undefined || entry.secret_name === params.secret_name) &&
    (params.from === undefined || at >= Date.parse(params.from)) &&
    (params.until === undefined || at <= Date.parse(params.until)) &&
    (params.text === undefined || asciiLower(storedText(entry)).includes(asciiLower(params.text)))
  );
}
