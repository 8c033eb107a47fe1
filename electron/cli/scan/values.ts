/**
 * Whether a value assigned to a secret-looking key is a credential: not a placeholder, and random
 * enough. Used for `KEY=value` lines whose key names a secret; well-known token formats are found by
 * their shape instead (token-formats.ts) and need no entropy.
 */

/** Values shorter than this are not judged by entropy (too few characters to tell random from a word). */
export const MIN_SECRET_LENGTH = 8;
/**
 * Shannon entropy, in bits per character, a value must reach. 3.0 keeps hex and base64 tokens (3.5–6)
 * and mixed passwords such as `Tr0ub4dor&3` (3.3), and drops words and repeated characters
 * (`development` 3.0 fails the character-class rule below, `aaaaaaaa` 0, `password` 2.75).
 */
export const MIN_ENTROPY_BITS = 3.0;
/** Character classes (lower, upper, digit, other) a value must mix: a single lowercase word is not a key. */
export const MIN_CHAR_CLASSES = 2;

/** Shannon entropy of the characters of `text`, in bits per character. */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  const length = [...text].length;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function charClasses(text: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(text)).length;
}

/** Words people put where a secret will go; compared case-insensitively, ignoring `-`, `_`, spaces. */
const PLACEHOLDER_WORDS = new Set([
  'changeme', 'changeit', 'change_me', 'replaceme', 'secret', 'password', 'passwd', 'token', 'apikey', 'yourkey',
  'yourtoken', 'yoursecret', 'yourpassword', 'yourapikey', 'example', 'placeholder', 'todo', 'tbd', 'fixme', 'redacted',
  'none', 'null', 'nil', 'undefined', 'true', 'false', 'test', 'dummy', 'sample', 'notset', 'empty', 'xxx',
]);

/**
 * True for values that stand in for a secret: empty, `${VAR}` / `$VAR` / `%VAR%` references,
 * `<your-key>` / `{{ key }}` / `[key]` templates, runs of one character (`xxxx`, `****`, `0000`),
 * and common words (`changeme`, `your-api-key`, `example`, `null`, …).
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (/^\$\{[^}]*\}$|^\$[A-Za-z_][A-Za-z0-9_]*$|^%[A-Za-z_][A-Za-z0-9_]*%$/.test(v)) return true;
  if (/^<[^<>]*>$|^\{\{.*\}\}$|^\[[^\]]*\]$|^%\([^)]*\)s$/.test(v)) return true;
  if (/\$\{[^}]+\}|\{\{[^}]+\}\}/.test(v)) return true;
  if (/^(.)\1*$/.test(v)) return true;
  if (/^x{3,}/i.test(v) || /\*{3,}|x{6,}/i.test(v)) return true;
  const word = v.toLowerCase().replace(/[-_\s.]/g, '');
  if (PLACEHOLDER_WORDS.has(word)) return true;
  return /^(your|my|insert|put|enter|replace|example|sample|dummy|fake|test)(your)?[a-z]*(key|token|secret|password|here|value)s?$/.test(word);
}

/** A value assigned to a secret-looking key is a finding when this holds (the documented threshold). */
export function looksRandomEnough(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH && charClasses(value) >= MIN_CHAR_CLASSES && shannonEntropy(value) >= MIN_ENTROPY_BITS;
}
