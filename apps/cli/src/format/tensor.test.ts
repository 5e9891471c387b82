import { describe, expect, it } from 'vitest';
import { formatTensorBlock, formatValues, tensorToJson } from './tensor.ts';

describe('formatValues', () => {
  it('prints a matrix with aligned fixed-point columns', () => {
    const t = { dtype: 'float32' as const, dims: [2, 2], data: new Float32Array([0.5, -0.25, 1 / 3, 2]) };
    expect(formatValues(t)).toBe('[[ 0.5000, -0.2500],\n [ 0.3333,  2.0000]]');
  });

  it('separates the blocks of a 3-D tensor with a blank line', () => {
    const t = { dtype: 'int32' as const, dims: [2, 1, 2], data: new Int32Array([1, 2, 3, 4]) };
    expect(formatValues(t)).toBe('[[[1, 2]],\n\n [[3, 4]]]');
  });

  it('shortens large tensors with an ellipsis', () => {
    const t = { dtype: 'float32' as const, dims: [200], data: Float32Array.from({ length: 200 }, (_, i) => i) };
    expect(formatValues(t)).toBe('[  0.,   1.,   2., …, 197., 198., 199.]');
    const m = { dtype: 'float32' as const, dims: [20, 20], data: new Float32Array(400) };
    const lines = formatValues(m).split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[3]).toBe(' …,');
    expect(lines[0]).toBe('[[0., 0., 0., …, 0., 0., 0.],');
  });

  it('switches to exponents for tiny or huge values', () => {
    const t = { dtype: 'float32' as const, dims: [2], data: new Float32Array([1e-7, 1]) };
    expect(formatValues(t)).toBe('[1.0000e-07, 1.0000e+00]');
  });

  it('prints integers, booleans, strings and non-finite values', () => {
    expect(formatValues({ dtype: 'int64', dims: [2], data: new BigInt64Array([1n, -20n]) })).toBe('[  1, -20]');
    expect(formatValues({ dtype: 'bool', dims: [2], data: new Uint8Array([1, 0]) })).toBe('[ true, false]');
    expect(formatValues({ dtype: 'string', dims: [2], data: ['a', 'b"c'] })).toBe('["a", "b\\"c"]');
    expect(formatValues({ dtype: 'float32', dims: [3], data: new Float32Array([NaN, Infinity, 0.5]) })).toBe('[   nan,    inf, 0.5000]');
    expect(formatValues({ dtype: 'float32', dims: [], data: new Float32Array([2.5]) })).toBe('2.5000');
    expect(formatValues({ dtype: 'float32', dims: [0], data: new Float32Array(0) })).toBe('[]');
  });

  it('decodes float16 bits', () => {
    expect(formatValues({ dtype: 'float16', dims: [2], data: new Uint16Array([0x3c00, 0x3800]) })).toBe('[1.0000, 0.5000]');
  });
});

describe('formatTensorBlock', () => {
  it('heads the values with name, dtype and shape', () => {
    const t = { dtype: 'float32' as const, dims: [1, 2], data: new Float32Array([1.5, 2]) };
    expect(formatTensorBlock('probs', t)).toBe('probs: float32 1×2\n  [[1.5000, 2.0000]]');
  });
});

describe('tensorToJson', () => {
  it('gives flat data with float32 values at their shortest', () => {
    const t = { dtype: 'float32' as const, dims: [1, 2], data: new Float32Array([0.1, 1 / 3]) };
    expect(tensorToJson(t)).toEqual({ dtype: 'float32', shape: [1, 2], data: [0.1, 0.33333334] });
    expect(JSON.parse(JSON.stringify(tensorToJson(t))).data.map(Math.fround)).toEqual(Array.from(t.data));
  });

  it('keeps every value JSON can carry', () => {
    expect(tensorToJson({ dtype: 'int64', dims: [2], data: new BigInt64Array([5n, 2n ** 60n]) }).data).toEqual([5, '1152921504606846976']);
    expect(tensorToJson({ dtype: 'bool', dims: [2], data: new Uint8Array([1, 0]) }).data).toEqual([true, false]);
    expect(tensorToJson({ dtype: 'float32', dims: [2], data: new Float32Array([NaN, -Infinity]) }).data).toEqual(['NaN', '-Infinity']);
    expect(tensorToJson({ dtype: 'string', dims: [1], data: ['hi'] }).data).toEqual(['hi']);
  });
});
