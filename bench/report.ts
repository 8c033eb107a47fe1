/** The result rows every benchmark returns, and the side-by-side table run.ts prints. */

export type Direction = 'max' | 'min';

export interface Row {
  metric: string;
  /** Human-readable measured value. */
  measured: string;
  /** Present for rows with a DESIGN.md §8 target; absent for context rows. */
  target?: { value: number; direction: Direction; label: string };
  /** The number compared with target.value (same unit). */
  value?: number;
  /** Set when the measurement itself failed. */
  error?: string;
}

export interface SectionResult {
  rows: Row[];
  notes: string[];
}

function ratio(row: Row): string {
  if (row.error) return '';
  if (!row.target || row.value === undefined || !Number.isFinite(row.value) || row.target.value === 0) return '';
  return `${(row.value / row.target.value).toFixed(2)}×`;
}

function verdict(row: Row): string {
  if (row.error) return 'ERROR';
  if (!row.target) return 'info';
  if (row.value === undefined || !Number.isFinite(row.value)) return 'n/a';
  const ok = row.target.direction === 'max' ? row.value <= row.target.value : row.value >= row.target.value;
  return ok ? 'PASS' : 'MISS';
}

export function passed(row: Row): boolean | null {
  const v = verdict(row);
  return v === 'PASS' ? true : v === 'MISS' || v === 'ERROR' ? false : null;
}

/** A plain-text table: metric | measured | target | measured/target | result. */
export function formatTable(rows: Row[]): string {
  const header = ['metric', 'measured', 'target', 'measured/target', 'result'];
  const body = rows.map((row) => [row.metric, row.error ? `ERROR: ${row.error}` : row.measured, row.target?.label ?? '—', ratio(row), verdict(row)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  const rule = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|';
  return [line(header), rule, ...body.map(line)].join('\n');
}
