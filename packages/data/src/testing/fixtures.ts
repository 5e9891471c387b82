// Test-only helpers: they touch the disk and encode files, which the package itself never does.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pngjs from 'pngjs';
import type { Tensor } from '@modalflow/core';
import type { InputSpec, Loaders } from '../spec.ts';

export function tempDir(): { dir: string; write(rel: string, data: string | Uint8Array): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'modalflow-data-'));
  return {
    dir,
    write(rel, data) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, data);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** An RGB PNG whose pixel (y, x) is (seed + y, x, 7), so tests can check where pixels landed. */
export function png(width: number, height: number, seed = 0): Uint8Array {
  const img = new pngjs.PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      img.data[i] = (seed + y) & 255;
      img.data[i + 1] = x & 255;
      img.data[i + 2] = 7;
      img.data[i + 3] = 255;
    }
  }
  return new Uint8Array(pngjs.PNG.sync.write(img));
}

function decodePng(bytes: Uint8Array): Tensor {
  const img = pngjs.PNG.sync.read(Buffer.from(bytes));
  const out = new Uint8Array(img.width * img.height * 3);
  for (let i = 0; i < img.width * img.height; i++) out.set(img.data.subarray(i * 4, i * 4 + 3), i * 3);
  return { dtype: 'uint8', dims: [1, img.height, img.width, 3], data: out };
}

const DESCR = { float32: '<f4', float64: '<f8', int64: '<i8', int32: '<i4', uint8: '|u1' } as const;
type NpyDType = keyof typeof DESCR;

/** A version 1.0 .npy of numbers, or of fixed-width unicode strings. */
export function npy(dtype: NpyDType | 'string', dims: number[], values: readonly (number | string)[]): Uint8Array {
  let descr: string;
  let body: Uint8Array;
  if (dtype === 'string') {
    const width = Math.max(1, ...values.map((v) => [...String(v)].length));
    descr = `<U${width}`;
    body = new Uint8Array(values.length * width * 4);
    const view = new DataView(body.buffer);
    values.forEach((v, i) => [...String(v)].forEach((c, j) => view.setUint32((i * width + j) * 4, c.codePointAt(0)!, true)));
  } else {
    descr = DESCR[dtype];
    const nums = values as number[];
    const typed =
      dtype === 'float32' ? Float32Array.from(nums)
      : dtype === 'float64' ? Float64Array.from(nums)
      : dtype === 'int64' ? BigInt64Array.from(nums, (v) => BigInt(v))
      : dtype === 'int32' ? Int32Array.from(nums)
      : Uint8Array.from(nums);
    body = new Uint8Array(typed.buffer);
  }
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

/** Reads what npy() writes; enough for fixtures, not a general reader. */
function decodeNpy(bytes: Uint8Array, file: string): Tensor {
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const header = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + len));
  const descr = /'descr': '([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape': \(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new Error(`${file}: not a fixture .npy`);
  const dims = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const raw = bytes.slice(10 + len).buffer;
  const unicode = /^<U(\d+)$/.exec(descr);
  if (unicode) {
    const width = Number(unicode[1]);
    const view = new DataView(raw);
    const n = dims.reduce((a, b) => a * b, 1);
    const data = Array.from({ length: n }, (_, i) => {
      let s = '';
      for (let j = 0; j < width; j++) {
        const cp = view.getUint32((i * width + j) * 4, true);
        if (cp === 0) break;
        s += String.fromCodePoint(cp);
      }
      return s;
    });
    return { dtype: 'string', dims, data };
  }
  switch (descr) {
    case '<f4':
      return { dtype: 'float32', dims, data: new Float32Array(raw) };
    case '<f8':
      return { dtype: 'float32', dims, data: Float32Array.from(new Float64Array(raw)) };
    case '<i8':
      return { dtype: 'int64', dims, data: new BigInt64Array(raw) };
    case '<i4':
      return { dtype: 'int32', dims, data: new Int32Array(raw) };
    case '|u1':
      return { dtype: 'uint8', dims, data: new Uint8Array(raw) };
  }
  throw new Error(`${file}: unsupported fixture dtype ${descr}`);
}

/** Loaders over a folder on disk, resolving paths as the command line does: against the manifest's folder. */
export function diskLoaders(base: string): Loaders {
  return {
    readFile: async (p) => new Uint8Array(readFileSync(resolve(base, p))),
    decodeImage: (bytes) => decodePng(bytes),
    decodeNpy,
  };
}

export const text = (name: string): InputSpec => ({ name, kind: 'text', dtype: 'string', shape: ['B'] });
export const image = (name: string): InputSpec => ({ name, kind: 'image', dtype: 'uint8', shape: ['B', 'H', 'W', 3] });
export const tensor = (name: string, dtype: InputSpec['dtype'], shape: InputSpec['shape']): InputSpec => ({ name, kind: 'tensor', dtype, shape });
