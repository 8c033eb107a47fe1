/**
 * Export as JSONL: every entry matching the filters, fetched page by page (newest first, each page
 * older than the last, so entries appended meanwhile are not half in), written oldest first — the order
 * `secrets audit --jsonl` prints and log shippers expect — one JSON object a line. Saved through a
 * Blob and a temporary `<a download>`: nothing leaves the machine.
 */
import type { AuditEntryT, ParamsOf, ResultOf } from '../../../shared/protocol.js';

/** Bigger than the timeline's pages: an export wants few round trips, and shows only a count. */
export const EXPORT_PAGE = 5000;

type Query = (params: ParamsOf<'audit.query'>) => Promise<ResultOf<'audit.query'>>;

/** All entries matching `filters`, oldest first; `onProgress` hears the running count. */
export async function fetchAll(query: Query, filters: ParamsOf<'audit.query'>, onProgress: (count: number) => void): Promise<AuditEntryT[]> {
  const pages: AuditEntryT[][] = [];
  let count = 0;
  let before: number | undefined;
  for (;;) {
    const { entries } = await query({ ...filters, tail: EXPORT_PAGE, newest_first: true, ...(before === undefined ? {} : { before_id: before }) });
    pages.push(entries);
    onProgress((count += entries.length));
    if (entries.length < EXPORT_PAGE) break;
    before = entries.at(-1)!.id;
  }
  return pages.flat().reverse();
}

export function toJsonl(entries: readonly AuditEntryT[]): string {
  return entries.map((entry) => JSON.stringify(entry) + '\n').join('');
}

/** `agent-secrets-audit-YYYY-MM-DD.jsonl`, the person's local date. */
export function exportFileName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `agent-secrets-audit-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.jsonl`;
}

export function saveFile(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once the click is handled; revoking later frees the memory.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
