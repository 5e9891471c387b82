import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import mean from './mean.ts';

function ref(x: Float64Array, m: number[] | undefined, b: number, t: number, d: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < b; r++) {
    let count = 0;
    for (let k = 0; k < t; k++) count += m ? m[r * t + k]! : 1;
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let k = 0; k < t; k++) acc += (m ? m[r * t + k]! : 1) * x[(r * t + k) * d + j]!;
      out.push(acc / Math.max(count, 1e-9));
    }
  }
  return out;
}

const keep = [1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];

describe('pool.mean', () => {
  const x = randomTensor([3, 5, 4], 3);

  it('averages over all tokens without a mask', async () => {
    const { outputs } = await runNode(mean, { inputs: { x } });
    expect(outputs['pooled']!.dims).toEqual([3, 4]);
    expect(relError(f64(outputs['pooled']!), ref(f64(x), undefined, 3, 5, 4))).toBeLessThanOrEqual(1e-5);
  });

  it('averages only kept tokens, for int64, bool and float masks; an empty row gives 0', async () => {
    const masks: Tensor[] = [
      { dtype: 'int64', dims: [3, 5], data: BigInt64Array.from(keep, BigInt) },
      { dtype: 'bool', dims: [3, 5], data: Uint8Array.from(keep) },
      { dtype: 'int32', dims: [3, 5], data: Int32Array.from(keep) },
      { dtype: 'float32', dims: [3, 5], data: Float32Array.from(keep) },
    ];
    for (const mask of masks) {
      const { outputs } = await runNode(mean, { inputs: { x, mask } });
      const got = f64(outputs['pooled']!);
      expect(relError(got, ref(f64(x), keep, 3, 5, 4))).toBeLessThanOrEqual(1e-5);
      expect(Array.from(got.slice(8))).toEqual([0, 0, 0, 0]);
    }
  });

  it('treats fractional mask values as weights', async () => {
    const w = [0.5, 2, 0, 1, 0.25, 1, 1, 1, 1, 1, 0.1, 0, 0, 0, 3];
    const mask: Tensor = { dtype: 'float32', dims: [3, 5], data: Float32Array.from(w) };
    const { outputs } = await runNode(mean, { inputs: { x, mask } });
    expect(relError(f64(outputs['pooled']!), ref(f64(x), Array.from(Float32Array.from(w)), 3, 5, 4))).toBeLessThanOrEqual(1e-5);
  });

  it('rejects a mask whose length differs from the sequence', () => {
    const doc = singleNodeGraph(mean, { inputs: { x, mask: { dtype: 'int64', dims: [3, 4], data: new BigInt64Array(12) } } });
    const p = analyzeGraph(doc, registryWith(mean)).problems.find((q) => q.code === 'MF_SHAPE_MISMATCH');
    expect(p?.message).toContain('input "mask"');
  });
});
