/** How one audit entry reads in a row: its outcome as a coloured pill and its detail in one line. */
import type { AuditEntryT } from '../../../shared/protocol.js';

export const OUTCOME_PILL: Record<AuditEntryT['outcome'], string> = { ok: 'pill ok', denied: 'pill warn', error: 'pill bad' };

const MAX_SUMMARY = 120;

/** `key=value` pairs, nested values as JSON, cut to one line; the full text goes in a tooltip. */
export function detailSummary(detail: AuditEntryT['detail']): string {
  if (detail === null) return '';
  const parts = Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const text = parts.join(' ');
  return text.length > MAX_SUMMARY ? text.slice(0, MAX_SUMMARY - 1) + '…' : text;
}
