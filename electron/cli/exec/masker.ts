/**
 * Masks secret values in a child's output stream: each value, and its base64, base64url and
 * URL-encoded forms, becomes `<secret:NAME>`. A value split across chunks is still caught: the
 * last (longest pattern − 1) bytes are held back until the next chunk or the end.
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
  private readonly keep: number;

  constructor(
    private readonly patterns: Pattern[],
    private readonly write: (bytes: Buffer) => void,
  ) {
    this.keep = Math.max(0, ...patterns.map((p) => p.bytes.length - 1));
  }

  push(chunk: Buffer): void {
    const data = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    const { output, consumed } = this.scan(data, Math.max(0, data.length - this.keep));
    this.held = Buffer.from(data.subarray(consumed));
    if (output.length > 0) this.write(output);
  }

  end(): void {
    const { output } = this.scan(this.held, this.held.length);
    this.held = Buffer.alloc(0);
    if (output.length > 0) this.write(output);
  }

  /** Replaces every match that starts before `cut`; returns the output and how much was consumed. */
  private scan(data: Buffer, cut: number): { output: Buffer; consumed: number } {
    const parts: Buffer[] = [];
    let position = 0;
    for (;;) {
      let best: { at: number; pattern: Pattern } | null = null;
      for (const pattern of this.patterns) {
        const at = data.indexOf(pattern.bytes, position);
        if (at !== -1 && at < cut && (best === null || at < best.at)) best = { at, pattern };
      }
      if (best === null) break;
      parts.push(data.subarray(position, best.at), best.pattern.replacement);
      position = best.at + best.pattern.bytes.length;
    }
    const consumed = Math.max(position, cut);
    parts.push(data.subarray(position, consumed));
    return { output: Buffer.concat(parts), consumed };
  }
}
