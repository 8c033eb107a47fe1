/**
 * Masks secret values in a child's output stream: each value, and the forms a program commonly prints
 * it in, becomes `<secret:NAME>`. A value split across chunks is still caught: a tail that could begin
 * one is held back until the next chunk or the end, and nothing else is.
 *
 * The forms: raw; JSON-escaped (as is, and with non-ASCII as `\uXXXX`); URL-encoded; hex (lower and
 * upper case); base64 (padded and not), base64url, and — because a value is often encoded inside a
 * longer string, like `base64("user:" + TOKEN)` in a Basic auth header — the characters of its base64
 * and base64url that do not depend on the bytes around it, at each of the three byte offsets.
 *
 * This stops accidental echo (a debug print, a logged header, an error that quotes its input). It
 * cannot stop a command that wants to leak a value: reversed, split, xor'ed, re-encoded any other way,
 * it is not recognised. Values too short to mask are left as they are (shared/mask-length.ts).
 */
import { tooShortToMask } from '../../../shared/mask-length.js';

export interface MaskedValue {
  /** The secret's name, shown in the marker. */
  name: string;
  value: string;
}

/**
 * Derived forms shorter than this are skipped: a 4-character value's base64 at an offset is 4
 * characters of a–z, A–Z, 0–9 that appear in ordinary output by chance.
 */
export const MIN_DERIVED_LENGTH = 6;

interface Pattern {
  bytes: Buffer;
  replacement: Buffer;
}

const hex4 = (c: string) => c.charCodeAt(0).toString(16).padStart(4, '0');

/**
 * The characters of base64 (or base64url) that encode `raw` alone when it starts `offset` bytes into
 * the encoded data: the leading ones that share bits with the bytes before it and the trailing one
 * that shares bits with the bytes after it are dropped.
 */
export function base64Core(raw: Buffer, offset: 0 | 1 | 2, encoding: 'base64' | 'base64url'): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), raw]).toString(encoding);
  const start = Math.ceil((8 * offset) / 6);
  const end = Math.floor((8 * (offset + raw.length)) / 6);
  return encoded.slice(start, end);
}

/** The value first, then derived forms (each at least MIN_DERIVED_LENGTH long). */
export function forms(value: string): string[] {
  const raw = Buffer.from(value, 'utf8');
  const json = JSON.stringify(value).slice(1, -1);
  const jsonAscii = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${hex4(c)}`);
  const derived = [
    json,
    jsonAscii,
    jsonAscii.replace(/\\u[0-9a-f]{4}/g, (u) => u.toUpperCase().replace('\\U', '\\u')),
    encodeURIComponent(value),
    raw.toString('hex'),
    raw.toString('hex').toUpperCase(),
    raw.toString('base64'),
    raw.toString('base64').replace(/=+$/, ''),
    raw.toString('base64url'),
    ...([0, 1, 2] as const).flatMap((offset) => [base64Core(raw, offset, 'base64'), base64Core(raw, offset, 'base64url')]),
  ];
  return [value, ...derived.filter((form) => form.length >= MIN_DERIVED_LENGTH)];
}

export function maskPatterns(values: MaskedValue[]): Pattern[] {
  const seen = new Set<string>();
  const patterns: Pattern[] = [];
  for (const { name, value } of values) {
    if (tooShortToMask(value)) continue;
    for (const form of forms(value)) {
      if (seen.has(form)) continue;
      seen.add(form);
      patterns.push({ bytes: Buffer.from(form, 'utf8'), replacement: Buffer.from(`<secret:${name}>`) });
    }
  }
  // Longest first, so a value is not half-masked by a shorter form that is its prefix.
  return patterns.sort((a, b) => b.bytes.length - a.bytes.length);
}

/**
 * Patterns by their first four bytes (every pattern has at least four). Scanning the output once and
 * looking each position up costs about the same with 5 patterns or 500, where a search per pattern
 * costs patterns × bytes.
 */
class PatternIndex {
  /** 1 where some pattern's first four bytes hash to this slot: most positions stop here. */
  readonly slots = new Uint8Array(1 << 16);
  /** Patterns by their first four bytes as one number, each bucket longest first. */
  private readonly buckets = new Map<number, Pattern[]>();
  /** The first one, two and three bytes of every pattern (for a tail too short for a bucket). */
  private readonly starts = [new Set<number>(), new Set<number>(), new Set<number>()];
  readonly longest: number;

  constructor(patterns: Pattern[]) {
    for (const pattern of patterns) {
      const key = PatternIndex.key(pattern.bytes, 0);
      this.slots[PatternIndex.slot(key)] = 1;
      const bucket = this.buckets.get(key) ?? [];
      bucket.push(pattern);
      this.buckets.set(key, bucket);
      for (let k = 1; k <= 3; k++) this.starts[k - 1]!.add(pattern.bytes.readUIntBE(0, k));
    }
    for (const bucket of this.buckets.values()) bucket.sort((a, b) => b.bytes.length - a.bytes.length);
    this.longest = Math.max(0, ...patterns.map((p) => p.bytes.length));
  }

  static key(data: Uint8Array, at: number): number {
    return ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
  }

  static slot(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> 16;
  }

  /** The longest pattern that starts at `at` and ends within `data` (null when none). */
  matchAt(data: Buffer, at: number, key: number): Pattern | null {
    if (this.slots[PatternIndex.slot(key)] === 0) return null;
    for (const pattern of this.buckets.get(key) ?? []) {
      if (at + pattern.bytes.length <= data.length && sameBytes(data, at, pattern.bytes, pattern.bytes.length)) return pattern;
    }
    return null;
  }

  /** Does some pattern longer than the tail `data[at..]` start with it? */
  startsWithTail(data: Buffer, at: number): boolean {
    const k = data.length - at;
    if (k < 4) return this.starts[k - 1]!.has(data.readUIntBE(at, k)) && this.longest > k;
    const key = PatternIndex.key(data, at);
    if (this.slots[PatternIndex.slot(key)] === 0) return false;
    return (this.buckets.get(key) ?? []).some((pattern) => pattern.bytes.length > k && sameBytes(data, at, pattern.bytes, k));
  }
}

/** `data[at..at+length]` equals `bytes[0..length]` (checked from the fifth byte: the key matched the first four). */
function sameBytes(data: Uint8Array, at: number, bytes: Uint8Array, length: number): boolean {
  for (let j = 4; j < length; j++) if (data[at + j] !== bytes[j]) return false;
  return true;
}

export class Masker {
  private held = Buffer.alloc(0);
  private readonly index: PatternIndex;

  constructor(
    patterns: Pattern[],
    private readonly write: (bytes: Buffer) => void,
  ) {
    this.index = new PatternIndex(patterns.filter((p) => p.bytes.length >= 4));
  }

  /**
   * Writes the chunk with every complete match replaced, holding back only a tail that could be the
   * start of a value (so a prompt such as "Password: " is shown at once, and a value split across
   * writes is still masked).
   */
  push(chunk: Buffer): void {
    const data = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    const { parts, rest } = this.replace(data);
    const hold = this.partialSuffix(rest);
    parts.push(rest.subarray(0, rest.length - hold));
    this.held = Buffer.from(rest.subarray(rest.length - hold));
    const output = Buffer.concat(parts);
    if (output.length > 0) this.write(output);
  }

  end(): void {
    if (this.held.length > 0) this.write(this.held);
    this.held = Buffer.alloc(0);
  }

  /** Replaces every complete match, leftmost first, the longest at a position; `rest` follows the last. */
  private replace(data: Buffer): { parts: Buffer[]; rest: Buffer } {
    const parts: Buffer[] = [];
    let position = 0;
    if (data.length < 4) return { parts, rest: data };
    const slots = this.index.slots;
    let key = PatternIndex.key(data, 0) >>> 8;
    for (let i = 0; i + 3 < data.length; i++) {
      key = ((key << 8) | data[i + 3]!) >>> 0;
      if (slots[Math.imul(key, 0x9e3779b1) >>> 16] === 0) continue;
      const pattern = this.index.matchAt(data, i, key);
      if (pattern === null) continue;
      parts.push(data.subarray(position, i), pattern.replacement);
      position = i + pattern.bytes.length;
      i = position - 1;
      if (position + 3 < data.length) key = PatternIndex.key(data, position) >>> 8;
    }
    return { parts, rest: data.subarray(position) };
  }

  /** The length of the longest tail of `data` that some pattern starts with (0 when none). */
  private partialSuffix(data: Buffer): number {
    for (let at = Math.max(0, data.length - (this.index.longest - 1)); at < data.length; at++) {
      if (this.index.startsWithTail(data, at)) return data.length - at;
    }
    return 0;
  }
}
