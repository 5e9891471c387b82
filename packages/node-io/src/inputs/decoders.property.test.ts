import { readFileSync, readdirSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ModalflowError, numel, readNpy, type Tensor } from '@modalflow/core';
import { decodeImage } from './image.ts';

const DIR = new URL('./fixtures/', import.meta.url);
// .npy fixtures sit beside core's reader, which both the CLI and the evaluation package use.
const NPY_DIR = new URL('../../../../packages/core/src/fixtures/', import.meta.url);
const files = (re: RegExp, dir = DIR) => readdirSync(dir).filter((f) => re.test(f)).map((f) => new Uint8Array(readFileSync(new URL(f, dir))));
const PICTURES = files(/^(png|jpeg)-.*\.(png|jpg)$/);
const ARRAYS = files(/^npy-(?!object).*\.npy$/, NPY_DIR);

/** One edit of a file: bytes overwritten, a range cut out or repeated, the tail dropped. */
const edit = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, v]) => (b: Uint8Array) => {
    const out = b.slice();
    out[at % Math.max(1, out.length)] = v;
    return out;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 64 })).map(([at, n]) => (b: Uint8Array) => {
    const s = at % Math.max(1, b.length);
    return Uint8Array.from([...b.subarray(0, s), ...b.subarray(s + n)]);
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 64 })).map(([at, n]) => (b: Uint8Array) => {
    const s = at % Math.max(1, b.length);
    return Uint8Array.from([...b.subarray(0, s + n), ...b.subarray(s)]);
  }),
  fc.nat().map((n) => (b: Uint8Array) => b.subarray(0, n % (b.length + 1))),
  // Header fields: sizes, depths and lengths sit in the first hundred bytes.
  fc.tuple(fc.integer({ min: 0, max: 100 }), fc.constantFrom(0, 1, 0x7f, 0x80, 0xff)).map(([at, v]) => (b: Uint8Array) => {
    const out = b.slice();
    if (at < out.length) out[at] = v;
    return out;
  }),
);
const mutated = (sources: Uint8Array[]) =>
  fc.tuple(fc.constantFrom(...sources), fc.array(edit, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([b, edits, fix]) => {
    const out = edits.reduce((x, e) => e(x), b);
    return fix ? withPngChecksums(out) : out;
  });

/** A damaged PNG with its chunk checksums made right again, so the damage reaches the decoder. */
function withPngChecksums(b: Uint8Array): Uint8Array {
  if (b[0] !== 0x89) return b;
  const out = b.slice();
  const view = new DataView(out.buffer);
  for (let at = 8; at + 12 <= out.length; ) {
    const end = at + 12 + view.getUint32(at);
    if (end > out.length) break;
    view.setUint32(end - 4, crc32(out.subarray(at + 4, end - 4)));
    at = end;
  }
  return out;
}

/** What happened to one input: a tensor whose data fits its dims, or the code of a ModalflowError. */
function outcome(run: () => Tensor, tally: Record<string, number>): void {
  let key: string;
  try {
    const t = run();
    expect(t.data.length).toBe(numel(t.dims));
    key = 'decoded';
  } catch (e) {
    if (!(e instanceof ModalflowError)) throw e;
    key = e.code;
  }
  tally[key] = (tally[key] ?? 0) + 1;
}

// Decoding is bounded by the pixel budget, so many thousands of broken files must not pile up memory.
const MEMORY_BOUND = 256 << 20;

describe('decoders on randomly damaged files: a tensor or a coded error, in bounded memory', () => {
  it('PNG and JPEG', () => {
    const tally: Record<string, number> = {};
    const before = process.memoryUsage().rss;
    fc.assert(
      fc.property(mutated(PICTURES), (bytes) => outcome(() => decodeImage(bytes, 'x', { maxPixels: 1 << 20 }), tally)),
      { numRuns: 3000, seed: 20261204 },
    );
    const grown = process.memoryUsage().rss - before;
    console.log(`decodeImage, 3000 damaged pictures: ${JSON.stringify(tally)}; rss grew ${(grown / 2 ** 20).toFixed(1)} MiB`);
    expect(grown).toBeLessThan(MEMORY_BOUND);
    expect(Object.keys(tally).every((k) => ['decoded', 'MF_BAD_IMAGE', 'MF_IMAGE_TOO_LARGE'].includes(k))).toBe(true);
    expect(tally['decoded']).toBeGreaterThan(0);
    expect(tally['MF_BAD_IMAGE']).toBeGreaterThan(0);
  });

  it('.npy', () => {
    const tally: Record<string, number> = {};
    fc.assert(fc.property(mutated(ARRAYS), (bytes) => outcome(() => readNpy(bytes, 'x.npy'), tally)), { numRuns: 2000, seed: 20261204 });
    console.log(`readNpy, 2000 damaged arrays: ${JSON.stringify(tally)}`);
    expect(Object.keys(tally).every((k) => ['decoded', 'MF_BAD_NPY'].includes(k))).toBe(true);
    expect(tally['decoded']).toBeGreaterThan(0);
  });
});
