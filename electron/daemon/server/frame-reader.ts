/**
 * Newline-delimited frames out of a byte stream, taken one at a time and only when the connection is
 * ready for the next request: bytes that arrived ahead are kept unparsed (the server stops reading
 * the socket meanwhile, so they amount to what one read brought). A frame is cut off at its size
 * limit as soon as that many bytes arrived without a newline, however slowly they came.
 */
const NEWLINE = 0x0a;

export class FrameReader {
  private chunks: Buffer[] = [];
  /** Offset of the first unconsumed byte in chunks[0]. */
  private head = 0;
  private bytes = 0;
  /** Chunks before this index hold no newline after `head`: a trickle is not rescanned byte by byte. */
  private scanned = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received and not yet returned as a frame. */
  get buffered(): number {
    return this.bytes;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /**
   * The next complete frame (without its newline; possibly empty), or null when none has arrived yet.
   * @throws RangeError when a frame exceeds the size limit (complete or not): the stream is unusable.
   */
  next(): Buffer | null {
    for (let i = this.scanned; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      const index = chunk.indexOf(NEWLINE, i === 0 ? this.head : 0);
      if (index === -1) {
        this.scanned = i + 1;
        continue;
      }
      return this.take(i, index);
    }
    if (this.bytes > this.maxFrameBytes) throw new RangeError('frame too large');
    return null;
  }

  /** Removes and returns the bytes up to the newline at `index` of chunk `last`. */
  private take(last: number, index: number): Buffer {
    const first = this.chunks[0]!;
    let frame: Buffer;
    if (last === 0) {
      frame = first.subarray(this.head, index);
    } else {
      const parts = [first.subarray(this.head), ...this.chunks.slice(1, last), this.chunks[last]!.subarray(0, index)];
      frame = Buffer.concat(parts);
    }
    if (frame.length > this.maxFrameBytes) throw new RangeError('frame too large');
    this.chunks.splice(0, last);
    this.head = index + 1;
    this.bytes -= frame.length + 1;
    if (this.head >= this.chunks[0]!.length) {
      this.chunks.shift();
      this.head = 0;
    }
    this.scanned = 0;
    return frame;
  }
}
