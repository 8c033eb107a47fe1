/** Small helpers for the human-readable output. */
export function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

/** "in 59m" / "3s ago" from an ISO time. */
export function relative(iso: string, now = Date.now()): string {
  const delta = Date.parse(iso) - now;
  const abs = Math.abs(delta);
  const text = abs >= 3_600_000 ? `${Math.floor(abs / 3_600_000)}h${Math.floor((abs % 3_600_000) / 60_000)}m` : abs >= 60_000 ? `${Math.floor(abs / 60_000)}m` : `${Math.floor(abs / 1000)}s`;
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}
