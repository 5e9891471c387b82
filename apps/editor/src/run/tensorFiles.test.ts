import { describe, expect, it } from 'vitest';
import { readJsonArray, readNpy, readTensorFile } from './tensorFiles.ts';

/** An .npy file as NumPy writes it (format 1.0, header padded to 64 bytes). */
function npy(descr: string, shape: number[], body: ArrayBufferView): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = dict + ' '.repeat(total - 10 - dict.length - 1) + '\n';
  const out = new Uint8Array(total + body.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), total);
  return out;
}

describe('tensor files', () => {
  it('reads .npy arrays and converts them to the input dtype', () => {
    const f = readTensorFile('x.npy', npy('<f8', [2, 2], new Float64Array([1, 2.5, -3, 4])), 'float32', 'x');
    expect(f).toEqual({ dtype: 'float32', dims: [2, 2], data: new Float32Array([1, 2.5, -3, 4]) });
    const ids = readTensorFile('ids.npy', npy('<i8', [3], new BigInt64Array([1n, 2n, 9007199254740993n])), 'int64', 'ids');
    expect(ids.data).toEqual(new BigInt64Array([1n, 2n, 9007199254740993n]));
    expect(readNpy(npy('|u1', [], new Uint8Array([7])), 'x', 'x.npy')).toEqual({ dims: [], values: [7] });
  });

  it('reads JSON nested arrays, refusing ragged ones and values the dtype cannot hold', () => {
    expect(readTensorFile('m.json', new TextEncoder().encode('[[1, 0], [0, 1]]'), 'int64', 'mask')).toEqual({ dtype: 'int64', dims: [2, 2], data: new BigInt64Array([1n, 0n, 0n, 1n]) });
    expect(readJsonArray('3.5', 'x', 'x.json')).toEqual({ dims: [], values: [3.5] });
  });

  it('names the input and file in every refusal', () => {
    expect(() => readJsonArray('[[1], [2, 3]]', 'x', 'x.json')).toThrow(/MF_BAD_INPUT: input "x": x\.json: ragged array at \[1\]/);
    expect(() => readTensorFile('p.json', new TextEncoder().encode('[256]'), 'uint8', 'px')).toThrow(/value 0 is "256", but the input is uint8 \(needs an integer in \[0, 255\]\)/);
    expect(() => readTensorFile('n.json', new TextEncoder().encode('{oops'), 'float32', 'n')).toThrow(/not valid JSON/);
    expect(() => readTensorFile('c.npy', npy('<c8', [1], new Float32Array(2)), 'float32', 'c')).toThrow(/element type <c8 is not supported/);
  });
});
