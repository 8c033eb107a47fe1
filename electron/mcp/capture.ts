/**
 * A command's (already masked) output kept within a bound: the first and the last half of
 * `limit` bytes, so both how it started and how it ended (where errors usually are) reach the model,
 * and how much was left out in between is said.
 */
export const OUTPUT_LIMIT_BYTES = 64 * 1024;

export interface CapturedOutput {
  text: string;
  /** Bytes the command wrote in all. */
  bytes: number;
  truncated: boolean;
}

export class BoundedCapture {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail = Buffer.alloc(0);
  private total = 0;

  constructor(private readonly limit = OUTPUT_LIMIT_BYTES) {}

  /** A sink for the masker (an arrow, so it can be handed over as is). */
  readonly push = (bytes: Buffer): void => {
    this.total += bytes.length;
    const half = Math.floor(this.limit / 2);
    const toHead = Math.min(bytes.length, half - this.headBytes);
    if (toHead > 0) {
      this.head.push(Buffer.from(bytes.subarray(0, toHead)));
      this.headBytes += toHead;
    }
    const rest = bytes.subarray(Math.max(toHead, 0));
    if (rest.length === 0) return;
    const joined = Buffer.concat([this.tail, rest]);
    this.tail = joined.length > half ? Buffer.from(joined.subarray(joined.length - half)) : joined;
  };

  result(): CapturedOutput {
    const head = Buffer.concat(this.head);
    const omitted = this.total - head.length - this.tail.length;
    const text = omitted > 0 ? `${head.toString('utf8')}\n[… ${omitted} bytes of output left out …]\n${this.tail.toString('utf8')}` : Buffer.concat([head, this.tail]).toString('utf8');
    return { text, bytes: this.total, truncated: omitted > 0 };
  }
}
