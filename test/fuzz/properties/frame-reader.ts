/**
 * The frame reader against a model: bytes split into chunks at arbitrary points come out as exactly
 * the newline-delimited frames of their concatenation, and the size limit throws only once a frame
 * (complete or still arriving) is longer than it.
 */
import fc from 'fast-check';
import { FrameReader } from '../../../electron/daemon/server/frame-reader.js';
import { type FuzzSettings, parameters } from '../settings.js';

/** The model: split the whole input on newlines; the last piece is still arriving. */
function modelFrames(input: Buffer, max: number): { frames: Buffer[]; tooLarge: boolean } {
  const frames: Buffer[] = [];
  let start = 0;
  for (let nl = input.indexOf(0x0a); nl !== -1; nl = input.indexOf(0x0a, start)) {
    if (nl - start > max) return { frames, tooLarge: true };
    frames.push(input.subarray(start, nl));
    start = nl + 1;
  }
  return { frames, tooLarge: input.length - start > max };
}

/** Bytes rich in newlines, with runs long enough to cross a small limit. */
const bytes = fc.array(
  fc.oneof(
    { arbitrary: fc.uint8Array({ maxLength: 40 }), weight: 3 },
    { arbitrary: fc.constantFrom(Uint8Array.of(0x0a), Uint8Array.of(0x0a, 0x0a), Uint8Array.of(0x0d, 0x0a)), weight: 2 },
    { arbitrary: fc.integer({ min: 1, max: 200 }).map((n) => new Uint8Array(n).fill(0x61)), weight: 1 },
  ),
  { maxLength: 12 },
);

const input = fc.record({
  data: bytes.map((parts) => Buffer.concat(parts)),
  cuts: fc.array(fc.nat(), { maxLength: 12 }),
  max: fc.integer({ min: 1, max: 120 }),
  /** Frames taken after every chunk, or only at the end (bytes that arrived ahead stay unparsed). */
  eager: fc.boolean(),
});

function chunksOf(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (data.length === 0 ? 0 : c % (data.length + 1))))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, data.length]) {
    chunks.push(data.subarray(from, point));
    from = point;
  }
  return chunks;
}

export function frameReaderMatchesModel(settings: FuzzSettings): void {
  fc.assert(
    fc.property(input, ({ data, cuts, max, eager }) => {
      const reader = new FrameReader(max);
      const got: Buffer[] = [];
      let tooLarge = false;
      const drain = () => {
        for (let frame = reader.next(); frame !== null; frame = reader.next()) got.push(Buffer.from(frame));
      };
      try {
        for (const chunk of chunksOf(data, cuts)) {
          reader.push(chunk);
          if (eager) drain();
        }
        drain();
      } catch (error) {
        if (!(error instanceof RangeError) || error.message !== 'frame too large') throw error;
        tooLarge = true;
      }
      const model = modelFrames(data, max);
      if (tooLarge !== model.tooLarge) throw new Error(`size limit: reader ${tooLarge}, model ${model.tooLarge}`);
      // Once over the limit the stream is dropped: only the frames before the long one count.
      if (got.length !== model.frames.length || got.some((frame, i) => !frame.equals(model.frames[i]!))) {
        throw new Error(`frames differ: ${JSON.stringify(got.map(String))} vs ${JSON.stringify(model.frames.map(String))}`);
      }
      if (!tooLarge && reader.buffered !== data.length - (data.lastIndexOf(0x0a) + 1)) throw new Error(`buffered ${reader.buffered} after the last frame`);
    }),
    parameters(settings),
  );
}
