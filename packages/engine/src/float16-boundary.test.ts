import { describe, expect, it } from 'vitest';
import type { Tensor } from '@modalflow/core';
import { halveFeeds, widenResults } from './float16-boundary.ts';

describe('the float16 boundary of a half-precision model', () => {
  it('converts the named float32 feeds to float16 bits and float16 results back, leaving the rest', () => {
    const x: Tensor = { dtype: 'float32', dims: [3], data: Float32Array.of(1, -2, 0.1) };
    const ids: Tensor = { dtype: 'int64', dims: [1], data: BigInt64Array.of(5n) };
    const feeds = { x, ids };
    halveFeeds(feeds, ['x', 'y']);
    expect(feeds.x.dtype).toBe('float16');
    expect([...(feeds.x.data as Uint16Array)]).toEqual([0x3c00, 0xc000, 0x2e66]);
    expect(feeds.ids).toBe(ids);
    // The caller's tensor is untouched: the engine's cache may hold it.
    expect(x.dtype).toBe('float32');
    const out = widenResults({ y: { dtype: 'float16', dims: [2], data: Uint16Array.of(0x3c00, 0x3555) }, z: ids }, ['y']);
    expect(out['y']!.dtype).toBe('float32');
    expect(out['y']!.data[0]).toBe(1);
    expect(Math.abs((out['y']!.data as Float32Array)[1]! - 1 / 3)).toBeLessThan(1e-3);
    expect(out['z']).toBe(ids);
  });

  it('refuses a feed of another dtype, naming the input', () => {
    expect(() => halveFeeds({ x: { dtype: 'int32', dims: [1], data: Int32Array.of(1) } }, ['x'])).toThrow(/model input "x" is float16 in the file; .* not int32/);
  });
});
