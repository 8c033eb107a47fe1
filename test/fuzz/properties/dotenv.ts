/**
 * .env text, as `secrets import dotenv` reads it (the dotenv package, electron/daemon/imports/) and as
 * `secrets scan` reads it keeping line numbers (electron/cli/scan/dotenv-lines.ts, which promises
 * dotenv's rules): random text never throws, and both read the same entries. And what `secrets env`
 * writes (electron/daemon/processes/env-writer.ts) reads back as the very values.
 */
import fc from 'fast-check';
import { parse as parseDotenv } from 'dotenv';
import { parseDotenvLines } from '../../../electron/cli/scan/dotenv-lines.js';
import { envFileText, envQuote } from '../../../electron/daemon/processes/env-writer.js';
import { hostileString } from '../hostile.js';
import { type FuzzSettings, parameters } from '../settings.js';

const key = fc.constantFrom('API_KEY', 'db.password', 'token-2', 'A', '_X');
const piece = fc.oneof(
  { arbitrary: fc.constantFrom('=', ': ', ' = ', '"', "'", '`', '#', ' #', '\\n', '\\', '\n', '\r\n', 'export ', ' ', '\t'), weight: 4 },
  { arbitrary: key, weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 8 }), weight: 2 },
  { arbitrary: hostileString, weight: 1 },
);
const dotenvText = fc.array(piece, { maxLength: 16 }).map((parts) => parts.join(''));

/** Text without backslashes, newlines or the given characters. */
const plain = (exclude: string) => fc.string({ unit: 'grapheme', maxLength: 12 }).filter((t) => ![...exclude, '\\', '\n', '\r'].some((c) => t.includes(c)));

/** Well-formed lines: a key, `=` or `: `, a value (bare, or quoted and closed before the line ends), maybe a comment. */
const wellFormedLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', 'export ', '  '),
      key,
      fc.constantFrom('=', ' = ', ': '),
      fc.oneof(plain('"\'`#').map((v) => v.trim()), plain('"').map((v) => `"${v}"`), plain("'").map((v) => `'${v}'`), plain('`').map((v) => `\`${v}\``)),
      fc.constantFrom('', ' # note', '  '),
    )
    .map((parts) => parts.join('')),
  fc.constantFrom('', '# comment', '   '),
);
const wellFormedText = fc.tuple(fc.array(wellFormedLine, { maxLength: 6 }), fc.constantFrom('\n', '\r\n')).map(([lines, eol]) => lines.join(eol));

/** Random text: neither reader throws. */
export function dotenvNeverThrows(settings: FuzzSettings): void {
  fc.assert(
    fc.property(dotenvText, (text) => {
      parseDotenv(text);
      parseDotenvLines(text);
    }),
    parameters(settings),
  );
}

/**
 * Well-formed files: the scan reads what dotenv reads. (On malformed lines they differ: `K='a'b` is
 * `'a'b` to dotenv and `a` to the scan — reported in issue 13.)
 */
export function dotenvReadersAgree(settings: FuzzSettings): void {
  fc.assert(
    fc.property(wellFormedText, (text) => {
      const expected = parseDotenv(text);
      const ours: Record<string, string> = {};
      for (const entry of parseDotenvLines(text)) ours[entry.key] = entry.value;
      const a = JSON.stringify(Object.entries(expected).sort());
      const b = JSON.stringify(Object.entries(ours).sort());
      if (a !== b) throw new Error(`dotenv read ${a}, the scan read ${b}`);
    }),
    parameters(settings),
  );
}

/**
 * Values a secret may hold (no NUL: the protocol refuses it), each written in a quoting dotenv reads
 * as sh does — all but a `'` together with `" \ $` or a backquote, which the file marks as sh-only
 * (env-writer.ts `envQuote`; test/unit/env-quote.test.ts reads both kinds back through sh).
 */
const value = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((v) => !v.includes('\0') && !envQuote(v).shOnly);

export function envFileReadsBack(settings: FuzzSettings): void {
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), value), { minLength: 1, maxLength: 4, selector: ([name]) => name }), (vars) => {
      const entries = vars.map(([env_var, v], i) => ({ env_var, lease: { lease_id: `L-${i}`, secret_name: `s${i}`, client_id: 'c', value: v, expires_at: '2026-01-01T00:00:00.000Z' } }));
      const read = parseDotenv(envFileText(entries, 'c', new Date(0)));
      for (const [env_var, v] of vars) if (read[env_var] !== v) throw new Error(`${env_var}: wrote ${JSON.stringify(v)}, dotenv reads ${JSON.stringify(read[env_var])}`);
    }),
    parameters(settings),
  );
}
