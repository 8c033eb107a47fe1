/**
 * Hostile JSON-ish values for fuzzing: what an attacker on the socket can send (anything JSON), and
 * what a careless caller passes in-process (NaN, -0, Infinity). Each key of a params object gets a
 * mix of plausible values (so the method gets past validation and its handler runs) and hostile ones
 * (huge, unicode, NUL, prototype names, deep nesting, numbers at the edges).
 */
import fc from 'fast-check';

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'] as const;

const SPECIAL_STRINGS = [
  '',
  ' ',
  '\0',
  'a\0b',
  ...PROTOTYPE_KEYS,
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '-1',
  '0',
  'null',
  'true',
  '[]',
  '{}',
  '0s',
  '-1h',
  '1e400h',
  '99999999999999999999999999999999999999999999999999999999999999h',
  '0.0000001ms',
  '1.5ms',
  '24h0.001ms',
  'forever',
  '../../etc/passwd',
  '/',
  '%00',
  '\u202e\u2066',
  '\ud800',
  '\udfff\ud800',
  'ünïcödé',
  '𝒜𝒷𝒸',
  '\r\n',
  '${HOME}',
  '$(id)',
  '`id`',
  "'\"\\",
];

const EDGE_NUMBERS = [0, -0, 1, -1, 1.5, 0.1, 1e308, -1e308, 5e-324, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53)];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 2 },
  { arbitrary: fc.constantFrom(...SPECIAL_STRINGS), weight: 3 },
  { arbitrary: fc.string({ maxLength: 10 }).map((s) => `${s}\0${s}`), weight: 1 },
  // Past every field's limit (names, ids, durations) and, rarely, past the 1 MiB frame.
  { arbitrary: fc.integer({ min: 60, max: 70_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.integer(), fc.double());

/** `[[[…]]]` or `{"a":{"a":…}}` thousands deep: recursion in a validator or a canonical form overflows. */
export const deeplyNested: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean())
  .map(([depth, asObject]) => {
    let value: object = [1];
    for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
    // Printed short in a counterexample: fast-check's printer would overflow the stack on it too.
    Object.defineProperty(value, fc.toStringMethod, { value: () => `<${depth} levels of ${asObject ? '{"a": …}' : '[…]'}>` });
    return value;
  });

export const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: hostileNumber, weight: 2 },
  { arbitrary: fc.constantFrom(true, false, null, undefined), weight: 1 },
);

/** An object whose own keys may be `__proto__` & co. (as JSON.parse makes them), not its prototype. */
export function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/**
 * Any value, with objects keyed from `keys` (a method's real keys) and prototype names; `deep`:
 * sometimes thousands of levels deep (too deep for JSON.stringify: off for what goes on the wire).
 */
export function hostileValue(keys: readonly string[], { deep = true } = {}): fc.Arbitrary<unknown> {
  const key = fc.oneof(fc.constantFrom(...keys, ...PROTOTYPE_KEYS), fc.string({ maxLength: 8 }));
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { arbitrary: hostileLeaf, weight: 6 },
      { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
      { arbitrary: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map(objectOf), weight: 1 },
    ),
  }));
  return fc.oneof({ arbitrary: value, weight: 12 }, { arbitrary: deep ? deeplyNested : fc.jsonValue(), weight: 1 }, { arbitrary: fc.jsonValue(), weight: 2 });
}

/**
 * A params object for a method whose real keys are `keys`: half the time every key `plausible` knows
 * holds a plausible value (so the handler runs), else each key may hold a hostile one, sometimes
 * with extra or prototype keys.
 */
export function paramsFor(keys: readonly string[], plausible: (key: string) => fc.Arbitrary<unknown> | null): fc.Arbitrary<Record<string, unknown>> {
  const build = (hostile: boolean) => {
    const valueOf = (key: string) => {
      const good = plausible(key);
      const bad = hostileValue(keys);
      if (good === null) return bad;
      return hostile ? fc.oneof({ arbitrary: good, weight: 3 }, { arbitrary: bad, weight: 1 }) : good;
    };
    const known = keys.map((key) => fc.option(valueOf(key).map((v): [string, unknown] => [key, v]), { freq: hostile ? 3 : 6, nil: null }));
    const extra = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ maxLength: 8 })), hostileValue(keys)), { maxLength: 2 });
    const more = hostile ? fc.oneof({ arbitrary: fc.constant([] as [string, unknown][]), weight: 4 }, { arbitrary: extra, weight: 1 }) : fc.constant([] as [string, unknown][]);
    return fc.tuple(fc.tuple(...known), more).map(([present, rest]) => objectOf([...present.filter((e): e is [string, unknown] => e !== null), ...rest]));
  };
  return fc.oneof(build(false), build(true));
}
