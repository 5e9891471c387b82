import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Tensor } from './tensor.ts';
import { readNpy, readNpyHeader, writeNpy } from './npy.ts';

/** An .npy file as NumPy writes it: v1 preamble padded to 64 bytes with spaces and a newline. */
function npyBytes(dict: string, body: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const header = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const out = new Uint8Array(total + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  out.set(body, total);
  return out;
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('writeNpy / readNpy', () => {
  const cases: Tensor[] = [
    { dtype: 'float32', dims: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6.5]) },
    { dtype: 'float16', dims: [2], data: new Uint16Array([0x3c00, 0xc000]) },
    { dtype: 'int64', dims: [3], data: new BigInt64Array([1n, -2n, 9007199254740993n]) },
    { dtype: 'int32', dims: [1, 2], data: new Int32Array([-7, 7]) },
    { dtype: 'int8', dims: [2], data: new Int8Array([-128, 127]) },
    { dtype: 'uint8', dims: [1, 2, 2, 3], data: new Uint8Array(12).map((_, i) => i * 20) },
    { dtype: 'bool', dims: [3], data: new Uint8Array([1, 0, 1]) },
    { dtype: 'float32', dims: [], data: new Float32Array([3]) },
    { dtype: 'float32', dims: [0, 4], data: new Float32Array(0) },
    { dtype: 'string', dims: [2], data: ['héllo', 'a'] },
  ];
  for (const t of cases) {
    it(`round-trips ${t.dtype} [${t.dims.join(', ')}]`, () => {
      const back = readNpy(writeNpy(t));
      expect(back.dtype).toBe(t.dtype);
      expect(back.dims).toEqual(t.dims);
      expect(Array.from(back.data as ArrayLike<unknown>)).toEqual(Array.from(t.data as ArrayLike<unknown>));
    });
  }

  it('writes a NumPy-style header: 64-byte aligned, ending in a newline', () => {
    const bytes = writeNpy({ dtype: 'float32', dims: [5], data: new Float32Array(5) });
    const h = readNpyHeader(bytes);
    expect(h.dataOffset % 64).toBe(0);
    expect(bytes[h.dataOffset - 1]).toBe(0x0a);
    expect(new TextDecoder().decode(bytes.subarray(10, h.dataOffset))).toContain("'shape': (5,)");
  });

  it('reads float64 as float32', () => {
    const body = bytesOf(new Float64Array([0.5, 1 / 3]));
    const t = readNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", body));
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data as Float32Array)).toEqual([0.5, Math.fround(1 / 3)]);
  });

  it('reads version 2 and 3 headers', () => {
    const body = bytesOf(new Int32Array([1, 2, 3, 4]));
    for (const v of [2, 3]) {
      const t = readNpy(npyBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", body, v));
      expect(t).toMatchObject({ dtype: 'int32', dims: [2, 2] });
      expect(Array.from(t.data as Int32Array)).toEqual([1, 2, 3, 4]);
    }
  });

  it('reads data that is not aligned to its element size', () => {
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    const file = npyBytes(dict, bytesOf(new Float32Array([1.5, -2])));
    const shifted = new Uint8Array(file.length + 1).subarray(1);
    shifted.set(file);
    expect(Array.from(readNpy(shifted).data as Float32Array)).toEqual([1.5, -2]);
  });
});

// Written by fixtures/make_npy_fixtures.py (packages/core/src/fixtures) with NumPy: np.arange(n) reshaped, so C order reads 0, 1, 2, ...
describe('readNpy reads what NumPy writes in other layouts', () => {
  const fixture = (name: string) => readNpy(new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))), name);
  const arange = (n: number) => Array.from({ length: n }, (_, i) => i);

  it.each([
    ['npy-fortran-f4.npy', 'float32', [2, 3, 4]],
    ['npy-big-i8.npy', 'int64', [2, 3]],
    ['npy-big-fortran-f8.npy', 'float32', [3, 4]],
    ['npy-big-i4.npy', 'int32', [5]],
    ['npy-fortran-u1.npy', 'uint8', [5, 6]],
  ] as const)('%s', (name, dtype, dims) => {
    const t = fixture(name);
    expect(t.dtype).toBe(dtype);
    expect(t.dims).toEqual(dims);
    expect(Array.from(t.data as ArrayLike<number | bigint>, Number)).toEqual(arange(dims.reduce((a, d) => a * d, 1)));
  });

  it('unicode strings, in Fortran order or big-endian', () => {
    expect(fixture('npy-fortran-U.npy')).toEqual({ dtype: 'string', dims: [2, 3], data: ['a', 'bc', 'd', 'déf', '😀', ''] });
    expect(fixture('npy-big-U.npy')).toEqual({ dtype: 'string', dims: [2], data: ['zebra', 'émoji'] });
  });
});

describe('readNpy rejects bad files with a clear reason', () => {
  const f4 = (shape: string, extra = '') => `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, ${extra}}`;

  it('not an npy file', () => {
    expect(() => readNpy(new TextEncoder().encode('hello world'), 'x.npy')).toThrow(/MF_BAD_NPY: not a \.npy file.*x\.npy/);
  });

  it('unsupported dtype', () => {
    const dict = "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }";
    expect(() => readNpy(npyBytes(dict, new Uint8Array(16)))).toThrow(/unsupported dtype "<c8"/);
  });

  it('object arrays, which only pickle could read', () => {
    const file = new URL('./fixtures/npy-object.npy', import.meta.url);
    expect(() => readNpy(new Uint8Array(readFileSync(file)), 'o.npy')).toThrow(/MF_BAD_NPY: the array holds Python objects \(dtype "\|O"\).*o\.npy/);
  });

  it('strings holding numbers beyond Unicode', () => {
    const dict = "{'descr': '<U1', 'fortran_order': False, 'shape': (1,), }";
    expect(() => readNpy(npyBytes(dict, new Uint8Array([0, 0, 0x11, 0])))).toThrow(/string 0 holds 1114112, which is not a Unicode code point/);
  });

  it('absurd shapes', () => {
    expect(() => readNpy(npyBytes(f4('(1000000000, 1000000000, 1000000000)'), new Uint8Array(8)))).toThrow(/MF_BAD_NPY: the data is truncated/);
    expect(() => readNpy(npyBytes(f4('(-1,)'), new Uint8Array(8)))).toThrow(/not a tuple of sizes/);
    expect(() => readNpy(npyBytes(f4('(1e400,)'), new Uint8Array(8)))).toThrow(/not a tuple of sizes/);
  });

  it('truncated data', () => {
    expect(() => readNpy(npyBytes(f4('(2, 3)'), new Uint8Array(20)))).toThrow(/truncated: shape \(2, 3\) of <f4 needs 24 bytes, the file has 20/);
  });

  it('truncated header', () => {
    const full = npyBytes(f4('(2,)'), new Uint8Array(8));
    expect(() => readNpy(full.subarray(0, 40))).toThrow(/header claims/);
  });

  it('a header without a shape', () => {
    const dict = "{'descr': '<f4', 'fortran_order': False}";
    expect(() => readNpy(npyBytes(dict, new Uint8Array(8)))).toThrow(/descr, fortran_order and shape/);
  });

  it('an unknown format version', () => {
    const bytes = npyBytes(f4('(1,)'), new Uint8Array(4));
    bytes[6] = 9;
    expect(() => readNpy(bytes)).toThrow(/unsupported \.npy format version 9/);
  });
});
