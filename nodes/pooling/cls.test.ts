import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import cls from './cls.ts';

function ref(x: Float64Array, b: number, t: number, d: number, index: number): number[] {
  const k = index < 0 ? t + index : index;
  const out: number[] = [];
  for (let r = 0; r < b; r++) for (let j = 0; j < d; j++) out.push(x[(r * t + k) * d + j]!);
  return out;
}

describe('pool.cls', () => {
  it('keeps the token at index (first by default, negative from the end)', async () => {
    const x = randomTensor([3, 5, 4], 7);
    for (const index of [0, 2, -1]) {
      const { outputs } = await runNode(cls, { params: { index }, inputs: { x } });
      expect(outputs['pooled']!.dims).toEqual([3, 4]);
      expect(relError(f64(outputs['pooled']!), ref(f64(x), 3, 5, 4, index))).toBeLessThanOrEqual(1e-5);
    }
  });

  it('rejects a non-sequence input and an index past the sequence', () => {
    const reg = registryWith(cls);
    const flat = analyzeGraph(singleNodeGraph(cls, { inputs: { x: randomTensor([2, 8]) } }), reg);
    const p = flat.problems.find((q) => q.code === 'MF_SHAPE_MISMATCH');
    expect(p?.message).toContain('input "x"');
    const far = analyzeGraph(singleNodeGraph(cls, { params: { index: 5 }, inputs: { x: randomTensor([2, 5, 3]) } }), reg);
    const q = far.problems.find((e) => e.code === 'MF_SHAPE_INFER');
    expect(q?.message).toContain('"x"');
    expect(q?.at.param).toBe('index');
  });
});
