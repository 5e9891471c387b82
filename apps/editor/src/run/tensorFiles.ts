import { ModalflowError, floatToHalf, halfToFloat, numel, type DType, type Tensor } from '@modalflow/core';

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** NumPy's type strings the editor reads, little-endian or byte-sized. */
const NPY_TYPES: Record<string, { bytes: number; read: (v: DataView, o: number) => number | bigint }> = {
  '<f4': { bytes: 4, read: (v, o) => v.getFloat32(o, true) },
  '<f8': { bytes: 8, read: (v, o) => v.getFloat64(o, true) },
  '<f2': { bytes: 2, read: (v, o) => halfToFloat(v.getUint16(o, true)) },
  '<i8': { bytes: 8, read: (v, o) => v.getBigInt64(o, true) },
  '<i4': { bytes: 4, read: (v, o) => v.getInt32(o, true) },
  '<i2': { bytes: 2, read: (v, o) => v.getInt16(o, true) },
  '|i1': { bytes: 1, read: (v, o) => v.getInt8(o) },
  '|u1': { bytes: 1, read: (v, o) => v.getUint8(o) },
  '|b1': { bytes: 1, read: (v, o) => v.getUint8(o) },
  '<u2': { bytes: 2, read: (v, o) => v.getUint16(o, true) },
  '<u4': { bytes: 4, read: (v, o) => v.getUint32(o, true) },
};



const fail = (input: string, file: string, message: string) => new ModalflowError('MF_BAD_INPUT', `input "${input}": ${file}: ${message}`, { node: input, file });

/** Reads an .npy file (format 1-3, C order) as flat values and dims. */
export function readNpy(bytes: Uint8Array, input: string, file: string): { dims: number[]; values: (number | bigint)[] } {
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) throw fail(input, file, 'not an .npy file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw fail(input, file, 'its header has no descr or shape');
  if (fortran) throw fail(input, file, 'Fortran-ordered arrays are not supported; save with np.ascontiguousarray');
  const type = NPY_TYPES[descr === '<b1' ? '|b1' : descr === '<u1' ? '|u1' : descr === '<i1' ? '|i1' : descr];
  if (!type) throw fail(input, file, `element type ${descr} is not supported (little-endian floats, ints, uint8 and bool are)`);
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const n = numel(dims);
  const body = start + headerLen;
  if (bytes.length - body < n * type.bytes) throw fail(input, file, `holds ${bytes.length - body} bytes of data, its shape [${dims.join(', ')}] needs ${n * type.bytes}`);
  const values = new Array<number | bigint>(n);
  for (let i = 0; i < n; i++) values[i] = type.read(view, body + i * type.bytes);
  return { dims, values };
}

/** Reads a JSON file holding a number or a rectangular nested array. */
export function readJsonArray(text: string, input: string, file: string): { dims: number[]; values: unknown[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw fail(input, file, `not valid JSON: ${(e as Error).message}`);
  }
  const dims: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    dims.push(v.length);
    if (!v.length) break;
  }
  const values: unknown[] = [];
  const walk = (v: unknown, depth: number, path: string) => {
    if (depth === dims.length) {
      if (Array.isArray(v)) throw fail(input, file, `ragged array at ${path || 'the top level'}`);
      values.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) throw fail(input, file, `ragged array at ${path || 'the top level'}: expected a list of ${dims[depth]}`);
    v.forEach((x, i) => walk(x, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  return { dims, values };
}

/** Converts values to `dtype`, refusing those it cannot hold exactly. */
export function toTensor(dims: number[], values: readonly unknown[], dtype: DType, input: string, file: string): Tensor {
  const bad = (i: number, need: string) => fail(input, file, `value ${i} is ${JSON.stringify(String(values[i]))}, but the input is ${dtype} (needs ${need})`);
  const num = (i: number): number => {
    const v = values[i];
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw bad(i, 'a number');
  };
  const int = (i: number, lo: number, hi: number): number => {
    const v = num(i);
    if (!Number.isInteger(v) || v < lo || v > hi) throw bad(i, `an integer in [${lo}, ${hi}]`);
    return v;
  };
  const n = values.length;
  switch (dtype) {
    case 'string':
      return { dtype, dims, data: values.map((v, i) => (typeof v === 'string' ? v : (() => { throw bad(i, 'a string'); })())) };
    case 'float32':
      return { dtype, dims, data: Float32Array.from({ length: n }, (_, i) => num(i)) };
    case 'float64':
      return { dtype, dims, data: Float64Array.from({ length: n }, (_, i) => num(i)) };
    case 'float16':
      return { dtype, dims, data: Uint16Array.from({ length: n }, (_, i) => floatToHalf(num(i))) };
    case 'int64':
      return {
        dtype,
        dims,
        data: BigInt64Array.from({ length: n }, (_, i) => {
          const v = values[i];
          if (typeof v === 'bigint') return v;
          if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
          const x = num(i);
          if (!Number.isSafeInteger(x)) throw bad(i, 'an integer');
          return BigInt(x);
        }),
      };
    case 'int32':
      return { dtype, dims, data: Int32Array.from({ length: n }, (_, i) => int(i, -(2 ** 31), 2 ** 31 - 1)) };
    case 'int8':
      return { dtype, dims, data: Int8Array.from({ length: n }, (_, i) => int(i, -128, 127)) };
    case 'uint8':
      return { dtype, dims, data: Uint8Array.from({ length: n }, (_, i) => int(i, 0, 255)) };
    case 'bool':
      return { dtype, dims, data: Uint8Array.from({ length: n }, (_, i) => int(i, 0, 1)) };
  }
}

/** A tensor for an input from the bytes of an .npy or .json file, in the input's dtype. */
export function readTensorFile(name: string, bytes: Uint8Array, dtype: DType, input: string): Tensor {
  if (NPY_MAGIC.every((b, i) => bytes[i] === b)) {
    const { dims, values } = readNpy(bytes, input, name);
    return toTensor(dims, values, dtype, input, name);
  }
  const { dims, values } = readJsonArray(new TextDecoder().decode(bytes), input, name);
  return toTensor(dims, values, dtype, input, name);
}
