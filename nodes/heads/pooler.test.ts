import { describe, expect, it } from 'vitest';
import { act, f64, linearRef, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, randomWeights, shapeOnly } from '../testing/heads-reference.ts';
import pooler from './pooler.ts';

function token(x: Float64Array, b: number, t: number, d: number, index: number): Float64Array {
  const k = index < 0 ? t + index : index;
  const out = new Float64Array(b * d);
  for (let r = 0; r < b; r++) for (let e = 0; e < d; e++) out[r * d + e] = x[(r * t + k) * d + e]!;
  return out;
}

describe('head.pooler', () => {
  it('is tanh(W h_0 + b) on the first token', async () => {
    const hidden = randomTensor([2, 4, 6], 3);
    const weights = randomWeights(pooler, { inputs: { hidden } }, 4);
    const { outputs } = await runNode(pooler, { inputs: { hidden }, weights });
    const ref = linearRef(token(f64(hidden), 2, 4, 6, 0), 6, f64(weights['dense.weight']!), 6, f64(weights['dense.bias']!)).map(Math.tanh);
    expect(outputs['pooled']!.dims).toEqual([2, 6]);
    expect(relError(f64(outputs['pooled']!), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('pools another token, widens and uses ReLU as ViLBERT', async () => {
    const params = { index: -1, out: 5, activation: 'relu' };
    const hidden = randomTensor([2, 3, 4], 6);
    const weights = randomWeights(pooler, { params, inputs: { hidden } }, 7);
    const { outputs } = await runNode(pooler, { params, inputs: { hidden }, weights });
    const ref = linearRef(token(f64(hidden), 2, 3, 4, -1), 4, f64(weights['dense.weight']!), 5, f64(weights['dense.bias']!)).map(act['relu']!);
    expect(outputs['pooled']!.dims).toEqual([2, 5]);
    expect(relError(f64(outputs['pooled']!), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('has the parameters of BertPooler (768) and of ViLBERT\'s text pooler (768 -> 1024)', () => {
    expect(analyzeNode(pooler, { hidden: shapeOnly([1, 40, 768]) }).info.paramCount).toBe(768 * 768 + 768);
    expect(analyzeNode(pooler, { hidden: shapeOnly([1, 40, 768]) }, { out: 1024 }).info.paramCount).toBe(768 * 1024 + 1024);
  });

  it('rejects an index past the sequence and a vector input, naming the port', () => {
    const far = analyzeNode(pooler, { hidden: shapeOnly([2, 3, 4]) }, { index: 3 });
    expect(far.problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(far.problems[0]?.at.port).toBe('hidden');
    const flat = analyzeNode(pooler, { hidden: shapeOnly([2, 4]) });
    expect(flat.problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(flat.problems[0]?.message).toMatch(/"hidden"/);
  });
});
