import { inflateSync } from 'node:zlib';
import pngjs from 'pngjs';

/**
 * PNG to RGB bytes equal to Pillow's `Image.open(f).convert("RGB")`, which is what the
 * reference image processors feed a model. pngjs parses and unfilters; the sample mapping is
 * Pillow's (PngImagePlugin modes, then Convert.c):
 *   1/2/4-bit grey      v * 255 / (2^depth - 1)          (modes "1", "L;2", "L;4")
 *   16-bit grey         min(v, 255)                      (mode "I", and I -> RGB clips)
 *   16-bit colour, LA   the high byte                    ("RGB;16B", "RGBA;16B", "LA;16B")
 *   alpha, tRNS         ignored: convert("RGB") drops transparency, it never composites
 * pngjs itself would round 16-bit samples and zero the colour of tRNS-transparent pixels, so it
 * is asked for raw samples and never shown the tRNS chunk.
 */
export function decodePngRgb(bytes: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const clean = withoutChunk(bytes, 'tRNS');
  checkInterlacedSize(clean);
  const png = pngjs.PNG.sync.read(Buffer.from(clean.buffer, clean.byteOffset, clean.byteLength), { skipRescale: true }) as unknown as {
    width: number; height: number; depth: number; colorType: number; data: Uint8Array | Uint16Array;
  };
  const { width, height, depth, colorType, data } = png;
  const pixels = width * height;
  const rgb = new Uint8Array(pixels * 3);
  // pngjs always hands back four samples a pixel (grey repeated, alpha added); palettes come expanded to 8-bit colour.
  const map = sampleMap(depth, colorType);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    rgb[i * 3] = map(data[j]!);
    rgb[i * 3 + 1] = map(data[j + 1]!);
    rgb[i * 3 + 2] = map(data[j + 2]!);
  }
  return { width, height, rgb };
}

function sampleMap(depth: number, colorType: number): (v: number) => number {
  if (colorType === 3 || depth === 8) return (v) => v;
  if (depth === 16) return colorType === 0 ? (v) => (v > 255 ? 255 : v) : (v) => v >> 8;
  const scale = 255 / ((1 << depth) - 1);
  return (v) => v * scale;
}

const chunkType = (b: Uint8Array, at: number) => String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
const chunkLength = (b: Uint8Array, at: number) => ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;

/** The chunks of a well-formed PNG as [start, end) byte ranges; undefined when they do not tile the file. */
function chunks(b: Uint8Array): [number, number][] | undefined {
  const out: [number, number][] = [];
  let at = 8;
  while (at + 12 <= b.length) {
    const end = at + 12 + chunkLength(b, at);
    if (end > b.length) return undefined;
    out.push([at, end]);
    if (chunkType(b, at) === 'IEND') return out;
    at = end;
  }
  return undefined;
}

/** The PNG without chunks of one type; unchanged when its chunk structure is broken (pngjs then says how). */
function withoutChunk(b: Uint8Array, type: string): Uint8Array {
  const list = chunks(b);
  if (!list || !list.some(([s]) => chunkType(b, s) === type)) return b;
  const keep = list.filter(([s]) => chunkType(b, s) !== type);
  const out = new Uint8Array(8 + keep.reduce((n, [s, e]) => n + e - s, 0));
  out.set(b.subarray(0, 8));
  let at = 8;
  for (const [s, e] of keep) {
    out.set(b.subarray(s, e), at);
    at += e - s;
  }
  return out;
}

const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * pngjs bounds the inflated size of plain PNGs but inflates interlaced ones without a limit,
 * so a few kilobytes of IDAT could expand to gigabytes. For those, the data is inflated here
 * first with the exact size the header implies as the ceiling.
 */
function checkInterlacedSize(b: Uint8Array): void {
  const list = chunks(b);
  if (!list || list.length === 0 || chunkType(b, list[0]![0]) !== 'IHDR' || b[list[0]![0] + 8 + 12] !== 1) return;
  const at = list[0]![0] + 8;
  const width = chunkLength(b, at);
  const height = chunkLength(b, at + 4);
  const bits = b[at + 8]! * (CHANNELS[b[at + 9]!] ?? 4);
  let expected = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) expected += h * (1 + Math.ceil((w * bits) / 8));
  }
  const idat = list.filter(([s]) => chunkType(b, s) === 'IDAT').map(([s, e]) => b.subarray(s + 8, e - 4));
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: Math.max(expected, 1) });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`its image data inflates to more than the ${expected} bytes the header implies`);
    // Other inflate errors are pngjs's to report.
  }
}
