/**
 * Finding credentials in one file's text. A finding carries the file position, the key it is assigned
 * to (when there is one) and its kind; the credential itself stays in `secret`, which only the
 * `--import` path reads and the report never copies (report.ts picks fields, it does not spread).
 */
import { parseDotenvLines } from './dotenv-lines.js';
import type { FileFormat } from './files.js';
import { isSecretKey } from './keys.js';
import { type TokenKind, findTokens } from './token-formats.js';
import { isPlaceholder, looksRandomEnough } from './values.js';

export type FindingKind = TokenKind | 'aws_secret_access_key' | 'password' | 'high_entropy_secret';

export interface Detected {
  /** 1-based. */
  line: number;
  key: string | null;
  kind: FindingKind;
  /** The credential as found: never reported. */
  secret: string;
}

/**
 * `key = value`, `key: value`, `"key": "value",`, `export KEY=value`, `//host/:_authToken=value`.
 * The key's parts are bounded: unbounded, a long line without `=` or `:` (a base64 blob) backtracked
 * in quadratic time — a 1 MiB one took minutes. The report drops keys over 200 characters anyway.
 */
const ASSIGNMENT = /^\s*(?:export\s+)?(["']?)([^\s"'=:#;[\]{}]{1,200}(?:[^\s"'=]{0,200}[^\s"'=:])?)\1\s*[:=]\s*/;
const AWS_SECRET_KEY = /(?:^|[^a-z])(?:aws)?[-_.]?secret[-_.]?(?:access)?[-_.]?key$/i;
const AWS_SECRET_VALUE = /^[A-Za-z0-9/+]{40}$/;
/**
 * Text that every finding contains somewhere on its line: a token format's fixed part, `://`, or a
 * fragment of every word that makes a key secret-looking (keys.ts). Lines without it are skipped
 * with one native regex test instead of a dozen: most lines of most config files (a 10,000-file
 * project must scan in under a second). test/unit/scan-detectors.test.ts checks it covers them all.
 */
export const TRIGGER = /-----BEGIN|gh[pousr]_|github_pat_|glpat-|AKIA|ASIA|ABIA|ACCA|AIza|xox|k_live_|sk-|npm_|pypi-|eyJ|:\/\/|tok|secret|pass|pwd|key|private|cred|auth|bearer/i;

/** A value that is a reference rather than a secret: a URL without a password, a file path. */
function isLocation(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^(?:\/|\.\.?\/|~\/|[A-Za-z]:\\)/.test(value);
}

/** The value of an assignment's right-hand side: unquoted, without a trailing comma or comment. */
function assignedValue(rest: string): string {
  const quote = rest[0];
  if (quote === '"' || quote === "'" || quote === '`') {
    const close = rest.indexOf(quote, 1);
    return close === -1 ? rest.slice(1) : rest.slice(1, close);
  }
  const comment = rest.search(/\s[#;]/);
  return (comment === -1 ? rest : rest.slice(0, comment)).trim().replace(/,$/, '');
}

/** What a secret-named key's value is, or null when it is not a credential (placeholder, location, too plain). */
export function judgeAssignment(key: string, value: string): FindingKind | null {
  if (AWS_SECRET_KEY.test(key) && AWS_SECRET_VALUE.test(value)) return 'aws_secret_access_key';
  if (!isSecretKey(key) || isPlaceholder(value) || isLocation(value)) return null;
  return looksRandomEnough(value) ? 'high_entropy_secret' : null;
}

/** Known-format tokens on `text` (one line), attributed to `key` when they sit in its value. */
function tokensOn(text: string, line: number, key: string | null, valueStart: number): Detected[] {
  return findTokens(text, isPlaceholder).map((t) => ({ line, key: t.start >= valueStart ? key : null, kind: t.kind, secret: t.secret }));
}

interface Assignment {
  key: string;
  value: string;
  /** Where the value's text sits on the line. */
  start: number;
  end: number;
}

/** `"key": "value"` pairs anywhere on a line: JSON is often one long line (docker's config.json). */
const JSON_PAIR = /"([^"\\]{1,200})"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/** The assignments on one line of a config file: its JSON pairs, else a `key = value` at its start. */
function assignmentsOn(line: string): Assignment[] {
  const pairs = [...line.matchAll(JSON_PAIR)].map((m) => {
    const end = m.index + m[0].length - 1;
    return { key: m[1]!, value: m[2]!, start: end - m[2]!.length, end };
  });
  if (pairs.length > 0) return pairs;
  const m = ASSIGNMENT.exec(line);
  return m ? [{ key: m[2]!, value: assignedValue(line.slice(m[0].length)), start: m[0].length, end: line.length }] : [];
}

function detectLines(text: string): Detected[] {
  const found: Detected[] = [];
  if (!TRIGGER.test(text)) return found;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!TRIGGER.test(line)) continue;
    const assignments = assignmentsOn(line);
    const keyed = new Set<Assignment>();
    for (const t of findTokens(line, isPlaceholder)) {
      const owner = assignments.find((a) => t.start >= a.start && t.start < a.end) ?? null;
      if (owner) keyed.add(owner);
      found.push({ line: i + 1, key: owner?.key ?? null, kind: t.kind, secret: t.secret });
    }
    for (const a of assignments) {
      if (keyed.has(a)) continue;
      const kind = judgeAssignment(a.key, a.value);
      if (kind) found.push({ line: i + 1, key: a.key, kind, secret: a.value });
    }
  }
  return found;
}

/** `.netrc`: whitespace-separated `machine … login … password …`; any real password is a finding. */
function detectNetrc(text: string): Detected[] {
  const found: Detected[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    for (const m of line.matchAll(/(?:^|\s)password\s+(\S+)/g)) {
      if (!isPlaceholder(m[1]!)) found.push({ line: i + 1, key: 'password', kind: 'password', secret: m[1]! });
    }
  });
  return found;
}

/**
 * Every credential in a .env file: known-format tokens anywhere in a value (also multi-line ones, at
 * their own line) or in a comment, and secret-named keys whose value is random enough.
 */
function detectDotenv(text: string): Detected[] {
  const found: Detected[] = [];
  const covered = new Set<number>();
  for (const entry of parseDotenvLines(text)) {
    for (let l = entry.line; l <= entry.endLine; l++) covered.add(l);
    // A double-quoted value's `\n` escapes become newlines too: those parts stay on the entry's last line.
    const tokens = entry.value.split('\n').flatMap((part, i) => tokensOn(part, Math.min(entry.line + i, entry.endLine), entry.key, 0));
    found.push(...tokens);
    if (tokens.length > 0) continue;
    const kind = judgeAssignment(entry.key, entry.value);
    if (kind) found.push({ line: entry.line, key: entry.key, kind, secret: entry.value });
  }
  // Tokens outside any entry: commented-out lines (`# OLD_TOKEN=ghp_…`) are just as readable.
  text.split(/\r?\n/).forEach((line, i) => {
    if (!covered.has(i + 1)) found.push(...tokensOn(line, i + 1, null, Number.MAX_SAFE_INTEGER));
  });
  return found.sort((a, b) => a.line - b.line);
}

export function detect(text: string, format: FileFormat): Detected[] {
  switch (format) {
    case 'dotenv':
      return detectDotenv(text);
    case 'netrc':
      return detectNetrc(text);
    case 'lines':
      return detectLines(text);
    default:
      throw new Error(`unknown file format ${String(format satisfies never)}`);
  }
}
