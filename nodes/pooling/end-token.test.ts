import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import endToken from './end-token.ts';

/** x[b, t_b] with t_b the first position of the row maximum (or of endId). */
function ref(x: Float64Array, ids: number[], b: number, t: number, d: number, endId = -1): number[] {
  const out: number[] = [];
  for (let r = 0; r < b; r++) {
    let pos = 0;
    for (let k = 0; k < t; k++) {
      const v = ids[r * t + k]!;
      if (endId >= 0 ? v === endId && ids[r * t + pos] !== endId : v > ids[r * t + pos]!) pos = k;
    }
    for (let j = 0; j < d; j++) out.push(x[(r * t + pos) * d + j]!);
  }
  return out;
}

const ids64 = (v: number[], dims: number[]): Tensor => ({ dtype: 'int64', dims, data: BigInt64Array.from(v, BigInt) });

describe('pool.end_token', () => {
  const x = randomTensor([3, 5, 4], 21);
  // CLIP-style rows: start 49406, words, end 49407, then padding with the end id (ties).
  const ids = [49406, 320, 1929, 49407, 49407, 49406, 49407, 49407, 49407, 49407, 49406, 500, 600, 700, 49407];

  it('picks the state at the highest id, the first one on ties (CLIP)', async () => {
    const { outputs } = await runNode(endToken, { inputs: { x, ids: ids64(ids, [3, 5]) } });
    expect(outputs['pooled']!.dims).toEqual([3, 4]);
    expect(relError(f64(outputs['pooled']!), ref(f64(x), ids, 3, 5, 4))).toBeLessThanOrEqual(1e-5);
  });

  it('accepts int32 ids', async () => {
    const t: Tensor = { dtype: 'int32', dims: [3, 5], data: Int32Array.from(ids) };
    const { outputs } = await runNode(endToken, { inputs: { x, ids: t } });
    expect(relError(f64(outputs['pooled']!), ref(f64(x), ids, 3, 5, 4))).toBeLessThanOrEqual(1e-5);
  });

  it('finds the first occurrence of end_id when given', async () => {
    const bert = [101, 2023, 102, 0, 0, 101, 102, 0, 0, 0, 101, 7, 8, 9, 102];
    const { outputs } = await runNode(endToken, { params: { end_id: 102 }, inputs: { x, ids: ids64(bert, [3, 5]) } });
    expect(relError(f64(outputs['pooled']!), ref(f64(x), bert, 3, 5, 4, 102))).toBeLessThanOrEqual(1e-5);
  });

  it('rejects ids whose length differs from the states', () => {
    const doc = singleNodeGraph(endToken, { inputs: { x, ids: ids64([1, 2, 3, 4, 5, 6], [3, 2]) } });
    const p = analyzeGraph(doc, registryWith(endToken)).problems.find((q) => q.code === 'MF_SHAPE_MISMATCH');
    expect(p?.message).toContain('input "ids"');
  });
});
