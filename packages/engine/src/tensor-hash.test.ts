import { describe, expect, it } from 'vitest';
import { hashReady, hashTensor } from './tensor-hash.ts';

describe('hashTensor', async () => {
  await hashReady();
  it('depends on dtype, shape and every byte', () => {
    const base = hashTensor({ dtype: 'float32', dims: [2, 2], data: Float32Array.of(1, 2, 3, 4) });
    expect(hashTensor({ dtype: 'float32', dims: [2, 2], data: Float32Array.of(1, 2, 3, 4) })).toBe(base);
    expect(hashTensor({ dtype: 'float32', dims: [4], data: Float32Array.of(1, 2, 3, 4) })).not.toBe(base);
    expect(hashTensor({ dtype: 'int32', dims: [2, 2], data: Int32Array.of(1, 2, 3, 4) })).not.toBe(base);
    expect(hashTensor({ dtype: 'float32', dims: [2, 2], data: Float32Array.of(1, 2, 3, 5) })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{32}$/);
  });

  it('hashes only the view of a shared buffer', () => {
    const buf = new Float32Array([9, 1, 2, 9]);
    expect(hashTensor({ dtype: 'float32', dims: [2], data: buf.subarray(1, 3) })).toBe(hashTensor({ dtype: 'float32', dims: [2], data: Float32Array.of(1, 2) }));
  });

  it('keeps string boundaries: ["ab", "c"] differs from ["a", "bc"]', () => {
    expect(hashTensor({ dtype: 'string', dims: [2], data: ['ab', 'c'] })).not.toBe(hashTensor({ dtype: 'string', dims: [2], data: ['a', 'bc'] }));
  });
});
