import { numel, type DType, type Tensor } from './tensor.ts';
import { ModalflowError } from './errors.ts';
import { fortranToC, swapBytes } from './npy-layout.ts';

/**
 * NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic, version, a little-endian header length, a Python dict literal, then the raw data.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type NumericDType = Exclude<DType, 'string'>;

/** Element codes we read, without the byte-order character. */
const CODES: Record<string, { dtype: NumericDType | 'float64'; bytes: number }> = {
  f4: { dtype: 'float32', bytes: 4 },
  f8: { dtype: 'float64', bytes: 8 },
  f2: { dtype: 'float16', bytes: 2 },
  i8: { dtype: 'int64', bytes: 8 },
  i4: { dtype: 'int32', bytes: 4 },
  i1: { dtype: 'int8', bytes: 1 },
  u1: { dtype: 'uint8', bytes: 1 },
  b1: { dtype: 'bool', bytes: 1 },
};

const DESCR: Record<NumericDType, string> = {
  float32: '<f4',
  float64: '<f8',
  float16: '<f2',
  int64: '<i8',
  int32: '<i4',
  int8: '|i1',
  uint8: '|u1',
  bool: '|b1',
};

export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data. */
  dataOffset: number;
}

function bad(file: string | undefined, message: string): ModalflowError {
  return new ModalflowError('MF_BAD_NPY', message, file === undefined ? {} : { file });
}

export function readNpyHeader(bytes: Uint8Array, file?: string): NpyHeader {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw bad(file, 'not a .npy file (it does not start with "\\x93NUMPY")');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw bad(file, 'the file ends inside its header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw bad(file, `unsupported .npy format version ${major}.${bytes[7]} (versions 1, 2 and 3 are read)`);
  }
  if (start + headerLen > bytes.length) {
    throw bad(file, `the header claims ${headerLen} bytes but the file has only ${bytes.length - start} after it`);
  }
  // Version 3 only differs by allowing UTF-8 in the header; older ones are latin-1.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw bad(file, `the header is not a dict with descr, fortran_order and shape: ${text.trim()}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(n) || n < 0) throw bad(file, `the header's shape (${shapeText}) is not a tuple of sizes`);
      return n;
    });
  return { descr, fortranOrder: fortran === 'True', shape, dataOffset: start + headerLen };
}

/**
 * Reads a .npy array as NumPy's np.load does, big-endian and Fortran-order ones included.
 * float64 becomes float32, since tensors here carry no float64; `<U` (fixed-width unicode)
 * becomes a string tensor. Object arrays (pickled Python objects) are refused.
 */
export function readNpy(bytes: Uint8Array, file?: string): Tensor {
  const h = readNpyHeader(bytes, file);
  const n = numel(h.shape);
  const order = h.descr[0];
  const code = h.descr.slice(1);
  if (code === 'O') throw bad(file, `the array holds Python objects (dtype "${h.descr}"), which only pickle can read; save numbers or strings`);
  const unicode = /^U(\d+)$/.exec(code);
  if (unicode) return readUnicode(bytes, h, Number(unicode[1]), n, file);
  const spec = CODES[code];
  if (!spec || (order !== '<' && order !== '|' && order !== '=' && order !== '>')) {
    throw bad(
      file,
      `unsupported dtype "${h.descr}" (supported: float32, float64, float16, int64, int32, int8, uint8, bool, unicode strings)`,
    );
  }
  const need = n * spec.bytes;
  const have = bytes.length - h.dataOffset;
  if (have < need) {
    throw bad(file, `the data is truncated: shape (${h.shape.join(', ')}) of ${h.descr} needs ${need} bytes, the file has ${have}`);
  }
  // Copy so the typed array is aligned whatever the header length was.
  let raw = bytes.slice(h.dataOffset, h.dataOffset + need);
  if (order === '>' || (order === '=' && !littleEndianHost())) swapBytes(raw, spec.bytes);
  if (h.fortranOrder) raw = fortranToC(raw, h.shape, spec.bytes);
  const buf = raw.buffer;
  const dims = h.shape;
  switch (spec.dtype) {
    case 'float64':
      return { dtype: 'float32', dims, data: Float32Array.from(new Float64Array(buf)) };
    case 'float32':
      return { dtype: 'float32', dims, data: new Float32Array(buf) };
    case 'float16':
      return { dtype: 'float16', dims, data: new Uint16Array(buf) };
    case 'int64':
      return { dtype: 'int64', dims, data: new BigInt64Array(buf) };
    case 'int32':
      return { dtype: 'int32', dims, data: new Int32Array(buf) };
    case 'int8':
      return { dtype: 'int8', dims, data: new Int8Array(buf) };
    case 'uint8':
      return { dtype: 'uint8', dims, data: new Uint8Array(buf) };
    case 'bool':
      return { dtype: 'bool', dims, data: new Uint8Array(buf).map((v) => (v ? 1 : 0)) };
  }
}

function readUnicode(bytes: Uint8Array, h: NpyHeader, width: number, n: number, file?: string): Tensor {
  const need = n * width * 4;
  const have = bytes.length - h.dataOffset;
  if (have < need) {
    throw bad(file, `the data is truncated: shape (${h.shape.join(', ')}) of ${h.descr} needs ${need} bytes, the file has ${have}`);
  }
  let raw = bytes.slice(h.dataOffset, h.dataOffset + need);
  if (h.fortranOrder) raw = fortranToC(raw, h.shape, width * 4);
  const view = new DataView(raw.buffer);
  const little = h.descr[0] !== '>';
  const data: string[] = [];
  for (let i = 0; i < n; i++) {
    let s = '';
    for (let j = 0; j < width; j++) {
      const cp = view.getUint32((i * width + j) * 4, little);
      if (cp === 0) break;
      if (cp > 0x10ffff) throw bad(file, `string ${i} holds ${cp}, which is not a Unicode code point`);
      s += String.fromCodePoint(cp);
    }
    data.push(s);
  }
  return { dtype: 'string', dims: h.shape, data };
}

function header(descr: string, shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  // NumPy pads the whole preamble to a multiple of 64 bytes so the data is aligned; a header
  // too long for the 2-byte length of version 1 needs version 2.
  const padTo = (pre: number) => Math.ceil((pre + dict.length + 1) / 64) * 64;
  const v2 = padTo(10) - 10 > 0xffff;
  const pre = v2 ? 12 : 10;
  const total = padTo(pre);
  const text = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const out = new Uint8Array(total);
  out.set(MAGIC);
  out[6] = v2 ? 2 : 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (v2) view.setUint32(8, text.length, true);
  else view.setUint16(8, text.length, true);
  out.set(new TextEncoder().encode(text), pre);
  return out;
}

/** Writes a tensor as .npy (C order, little-endian); strings are stored as fixed-width `<U`. */
export function writeNpy(t: Tensor): Uint8Array {
  if (t.dtype === 'string') {
    const strings = t.data as string[];
    const points = strings.map((s) => [...s].map((c) => c.codePointAt(0)!));
    const width = Math.max(1, ...points.map((p) => p.length));
    const head = header(`<U${width}`, t.dims);
    const body = new Uint8Array(strings.length * width * 4);
    const view = new DataView(body.buffer);
    points.forEach((p, i) => p.forEach((cp, j) => view.setUint32((i * width + j) * 4, cp, true)));
    return concat(head, body);
  }
  const data = t.data as Exclude<Tensor['data'], string[]>;
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (!littleEndianHost()) throw new Error('writing .npy on a big-endian host is not supported');
  return concat(header(DESCR[t.dtype], t.dims), body);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function littleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
