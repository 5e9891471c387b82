import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import max from './max.ts';

function ref(x: Float64Array, m: number[] | undefined, b: number, t: number, d: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < b; r++) {
    for (let j = 0; j < d; j++) {
      let best = -Infinity;
      for (let k = 0; k < t; k++) if (!m || m[r * t + k]) best = Math.max(best, x[(r * t + k) * d + j]!);
      out.push(best === -Infinity ? 0 : best);
    }
  }
  return out;
}

describe('pool.max', () => {
  it('takes the max over all tokens without a mask', async () => {
    const x = randomTensor([2, 6, 3], 5);
    const { outputs } = await runNode(max, { inputs: { x } });
    expect(outputs['pooled']!.dims).toEqual([2, 3]);
    expect(relError(f64(outputs['pooled']!), ref(f64(x), undefined, 2, 6, 3))).toBeLessThanOrEqual(1e-5);
  });

  it('never lets a masked position win, whatever the mask dtype; an empty row gives 0', async () => {
    // Real values are very negative and masked ones large, so a leak would show at once.
    const x = randomTensor([3, 4, 5], 9, 1);
    const data = x.data as Float32Array;
    const keep = [1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0];
    for (let r = 0; r < 3; r++) {
      for (let k = 0; k < 4; k++) {
        for (let j = 0; j < 5; j++) data[(r * 4 + k) * 5 + j] = keep[r * 4 + k] ? data[(r * 4 + k) * 5 + j]! - 1000 : 1000;
      }
    }
    const masks: Tensor[] = [
      { dtype: 'int64', dims: [3, 4], data: BigInt64Array.from(keep, BigInt) },
      { dtype: 'bool', dims: [3, 4], data: Uint8Array.from(keep) },
      { dtype: 'float32', dims: [3, 4], data: Float32Array.from(keep) },
    ];
    for (const mask of masks) {
      const { outputs } = await runNode(max, { inputs: { x, mask } });
      const got = f64(outputs['pooled']!);
      expect(relError(got, ref(f64(x), keep, 3, 4, 5))).toBeLessThanOrEqual(1e-5);
      expect(Array.from(got.slice(10))).toEqual([0, 0, 0, 0, 0]);
      expect(Math.max(...got.slice(0, 10))).toBeLessThan(-998);
    }
  });

  it('rejects a mask of the wrong rank', () => {
    const doc = singleNodeGraph(max, { inputs: { x: randomTensor([2, 4, 3]), mask: { dtype: 'int64', dims: [2, 4, 1], data: new BigInt64Array(8) } } });
    const p = analyzeGraph(doc, registryWith(max)).problems.find((q) => q.code === 'MF_SHAPE_MISMATCH');
    expect(p?.message).toContain('input "mask"');
  });
});
