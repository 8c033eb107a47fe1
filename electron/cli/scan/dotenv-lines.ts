/**
 * A .env file read the way the `dotenv` package reads it (its v16 rules: `export ` prefixes, `=` or
 * `: `, single/double/backtick quotes spanning lines, `\n` expanded in double quotes, `#` starting a
 * comment in an unquoted value), but keeping where each entry sits: the scan reports line numbers and
 * `--import` rewrites exactly those lines. test/unit/scan-dotenv.test.ts checks it against dotenv.parse.
 */

export interface DotenvEntry {
  key: string;
  value: string;
  /** 1-based line of the key, and of the line where the value ends (later for a multi-line quote). */
  line: number;
  endLine: number;
  /** Leading whitespace and `export ` as written, kept when the line is rewritten. */
  prefix: string;
}

const ENTRY_START = /^(\s*(?:export\s+)?)([\w.-]+)(?:\s*=[ \t]*|:[ \t]+)/;

/** Index of the closing `quote` from `from`, skipping backslash-escaped ones; -1 when there is none. */
function closingQuote(text: string, quote: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

export function parseDotenvLines(text: string): DotenvEntry[] {
  const entries: DotenvEntry[] = [];
  const lines = text.split(/\r?\n/);
  // Offsets of each line's start in the text joined back with "\n", for quotes spanning lines.
  const joined = lines.join('\n');
  const starts: number[] = [];
  for (let i = 0, offset = 0; i < lines.length; offset += lines[i]!.length + 1, i++) starts.push(offset);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = ENTRY_START.exec(line);
    if (!m) continue;
    const [head, prefix, key] = m as unknown as [string, string, string];
    const rest = line.slice(head.length);
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const open = starts[i]! + head.length;
      const close = closingQuote(joined, quote, open + 1);
      if (close !== -1) {
        let value = joined.slice(open + 1, close);
        if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
        const endLine = lineAt(close);
        entries.push({ key, value, line: i + 1, endLine: endLine + 1, prefix });
        i = endLine;
        continue;
      }
    }
    const hash = rest.indexOf('#');
    entries.push({ key, value: (hash === -1 ? rest : rest.slice(0, hash)).trim(), line: i + 1, endLine: i + 1, prefix });
  }
  return entries;
}
