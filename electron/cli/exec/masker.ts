/**
 * Masks secret values in a child's output stream: each value, and its base64, base64url and
 * URL-encoded forms, becomes `<secret:NAME>`. A value split across chunks is still caught: a tail
 * that could begin one is held back until the next chunk or the end, and nothing else is.
 */
export interface MaskedValue {
  /** The secret's name, shown in the marker. */
  name: string;
  value: string;
}

/** Shorter values are not masked: masking "1" or "ab" would garble all output, and hides little. */
export const MIN_MASKED_LENGTH = 4;

interface Pattern {
  bytes: Buffer;
  replacement: Buffer;
}

function forms(value: string): string[] {
  const raw = Buffer.from(value, 'utf8');
  return [value, raw.toString('base64'), raw.toString('base64').replace(/=+$/, ''), raw.toString('base64url'), encodeURIComponent(value)];
}

export function maskPatterns(values: MaskedValue[]): Pattern[] {
  const seen = new Set<string>();
  const patterns: Pattern[] = [];
  for (const { name, value } of values) {
    if (value.length < MIN_MASKED_LENGTH) continue;
    for (const form of forms(value)) {
      if (form.length < MIN_MASKED_LENGTH || seen.has(form)) continue;
      seen.add(form);
      patterns.push({ bytes: Buffer.from(form, 'utf8'), replacement: Buffer.from(`<secret:${name}>`) });
    }
  }
  // Longest first, so a value is not half-masked by a shorter form that is its prefix.
  return patterns.sort((a, b) => b.bytes.length - a.bytes.length);
}

export class Masker {
  private held = Buffer.alloc(0);
  private readonly longest: number;

  constructor(
    private readonly patterns: Pattern[],
    private readonly write: (bytes: Buffer) => void,
  ) {
    this.longest = Math.max(0, ...patterns.map((p) => p.bytes.length));
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

  /** Replaces every complete match; `rest` is what follows the last one. */
  private replace(data: Buffer): { parts: Buffer[]; rest: Buffer } {
    const parts: Buffer[] = [];
    let position = 0;
    for (;;) {
      let best: { at: number; pattern: Pattern } | null = null;
      for (const pattern of this.patterns) {
        const at = data.indexOf(pattern.bytes, position);
        if (at !== -1 && (best === null || at < best.at)) best = { at, pattern };
      }
      if (best === null) break;
      parts.push(data.subarray(position, best.at), best.pattern.replacement);
      position = best.at + best.pattern.bytes.length;
    }
    return { parts, rest: data.subarray(position) };
  }

  /** The length of the longest tail of `data` that some pattern starts with (0 when none does). */
  private partialSuffix(data: Buffer): number {
    for (let k = Math.min(data.length, this.longest - 1); k > 0; k--) {
      const tail = data.subarray(data.length - k);
      if (this.patterns.some((p) => p.bytes.length > k && p.bytes.subarray(0, k).equals(tail))) return k;
    }
    return 0;
  }
}
