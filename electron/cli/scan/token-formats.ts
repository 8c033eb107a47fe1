/**
 * Well-known credential formats, found by their shape wherever they appear in a scanned file: a
 * GitHub token in a YAML comment is as readable as one in a .env. Each kind is what the report says;
 * the matched text itself never leaves the scanner.
 */

export type TokenKind =
  | 'github_token'
  | 'gitlab_token'
  | 'aws_access_key_id'
  | 'google_api_key'
  | 'slack_token'
  | 'stripe_live_key'
  | 'anthropic_api_key'
  | 'openai_api_key'
  | 'npm_token'
  | 'pypi_token'
  | 'private_key'
  | 'jwt'
  | 'url_password';

interface TokenFormat {
  kind: TokenKind;
  /** Global, so every occurrence on a line is found. A capture group, when there is one, is the secret part. */
  pattern: RegExp;
}

/**
 * In order of precedence: where two overlap (an Anthropic `sk-ant-` key also looks like an OpenAI
 * `sk-` key), the earlier kind is reported. `(?<![A-Za-z0-9_-])` stands for a word boundary that
 * treats `-` and `_` as part of the token.
 */
export const TOKEN_FORMATS: readonly TokenFormat[] = [
  { kind: 'private_key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { kind: 'github_token', pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{50,})(?![A-Za-z0-9_])/g },
  { kind: 'gitlab_token', pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}/g },
  { kind: 'aws_access_key_id', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g },
  { kind: 'google_api_key', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  { kind: 'slack_token', pattern: /(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'stripe_live_key', pattern: /(?<![A-Za-z0-9_])[rs]k_live_[A-Za-z0-9]{20,}/g },
  { kind: 'anthropic_api_key', pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'openai_api_key', pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'npm_token', pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g },
  { kind: 'pypi_token', pattern: /(?<![A-Za-z0-9_-])pypi-[A-Za-z0-9_-]{50,}/g },
  { kind: 'jwt', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{0,}/g },
  // scheme://user:password@host — the password is the capture group, judged against placeholders.
  { kind: 'url_password', pattern: /\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}:\/\/[^\s:/?#@'"`]*:([^\s/?#@'"`]+)@[^\s/?#'"`]+/g },
];

export interface TokenMatch {
  kind: TokenKind;
  /** Where the match is on the line (to keep an overlapping later kind out, and to find its key). */
  start: number;
  end: number;
  /** The secret part: the whole match, or the password of a URL. */
  secret: string;
}

/** Every known-format credential on one line, overlaps resolved by precedence. */
export function findTokens(line: string, isPlaceholder: (value: string) => boolean): TokenMatch[] {
  const found: TokenMatch[] = [];
  for (const { kind, pattern } of TOKEN_FORMATS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(line); m !== null; m = pattern.exec(line)) {
      const start = m.index;
      const end = start + m[0].length;
      const secret = m[1] ?? m[0];
      if (kind === 'url_password' && isPlaceholder(decodeSafe(secret))) continue;
      if (found.some((f) => f.start < end && start < f.end)) continue;
      found.push({ kind, start, end, secret });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
