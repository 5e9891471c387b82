import { describe, expect, it } from 'vitest';
import { f64, linearRef, randomTensor, relError, runNode } from '../testing/index.ts';
import { analyzeNode, float32, randomWeights, shapeOnly } from '../testing/heads-reference.ts';
import relation from './relation.ts';

/** f(Σ_{i,j} m_i m_j g([o_i ; o_j ; q])) on explicitly built pair vectors. */
function rnRef(O: Float64Array, q: Float64Array | undefined, B: number, N: number, D: number, Dq: number, gl: number[], fl: number[], out: number, get: (n: string) => Float64Array, keep?: number[]) {
  const R = gl.at(-1)!;
  const sums = new Float64Array(B * R);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        if (keep && (keep[b * N + i] === 0 || keep[b * N + j] === 0)) continue;
        let h: Float64Array = new Float64Array(2 * D + Dq);
        for (let e = 0; e < D; e++) {
          h[e] = O[(b * N + i) * D + e]!;
          h[D + e] = O[(b * N + j) * D + e]!;
        }
        for (let e = 0; e < Dq; e++) h[2 * D + e] = q![b * Dq + e]!;
        let width = 2 * D + Dq;
        gl.forEach((hw, k) => {
          h = linearRef(h, width, get(`g.${2 * k}.weight`), hw, get(`g.${2 * k}.bias`)).map((v) => Math.max(0, v));
          width = hw;
        });
        for (let r = 0; r < R; r++) sums[b * R + r] = sums[b * R + r]! + h[r]!;
      }
    }
  }
  let y: Float64Array = sums;
  let width = R;
  fl.forEach((hw, k) => {
    y = linearRef(y, width, get(`f.${2 * k}.weight`), hw, get(`f.${2 * k}.bias`)).map((v) => Math.max(0, v));
    width = hw;
  });
  return { out: linearRef(y, width, get(`f.${2 * fl.length}.weight`), out, get(`f.${2 * fl.length}.bias`)), sums };
}

describe('reasoning.relation', () => {
  it('matches f(Σ g(o_i, o_j, q)) over all ordered pairs', async () => {
    const params = { g_layers: [6, 5], f_layers: [4], out: 3 };
    const objects = randomTensor([2, 3, 4], 1);
    const question = randomTensor([2, 2], 2);
    const inputs = { objects, question };
    const weights = randomWeights(relation, { params, inputs }, 3, 0.6);
    expect(weights['g.0.weight']!.dims).toEqual([6, 10]);
    const { outputs } = await runNode(relation, { params, inputs, weights });
    const ref = rnRef(f64(objects), f64(question), 2, 3, 4, 2, [6, 5], [4], 3, (n) => f64(weights[n]!));
    expect(outputs['out']!.dims).toEqual([2, 3]);
    expect(outputs['relations']!.dims).toEqual([2, 5]);
    expect(relError(f64(outputs['out']!), ref.out)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['relations']!), ref.sums)).toBeLessThanOrEqual(1e-5);
  });

  it('works without a question and leaves out pairs with a masked object', async () => {
    const params = { g_layers: [5], f_layers: [], out: 2 };
    const objects = randomTensor([2, 4, 3], 4);
    const keep = [1, 1, 1, 0, 1, 0, 1, 1];
    const inputs = { objects, mask: float32([2, 4], keep) };
    const weights = randomWeights(relation, { params, inputs }, 5, 0.6);
    const { outputs } = await runNode(relation, { params, inputs, weights });
    const ref = rnRef(f64(objects), undefined, 2, 4, 3, 0, [5], [], 2, (n) => f64(weights[n]!), keep);
    expect(relError(f64(outputs['out']!), ref.out)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['relations']!), ref.sums)).toBeLessThanOrEqual(1e-5);
  });

  it('counts the parameters of the paper\'s CLEVR relation network', () => {
    // 24 objects of 24 features (+2 coordinates = 26), LSTM question of 128; g 4 × 256, f 256, 256, 29.
    const { info } = analyzeNode(relation, { objects: shapeOnly([1, 25, 26]), question: shapeOnly([1, 128]) });
    const g = (2 * 26 + 128) * 256 + 256 + 3 * (256 * 256 + 256);
    const f = 2 * (256 * 256 + 256) + 256 * 29 + 29;
    expect(info.paramCount).toBe(g + f);
  });

  it('rejects a question of another batch or an empty g, naming the port or param', () => {
    const batch = analyzeNode(relation, { objects: shapeOnly([2, 3, 4]), question: shapeOnly([3, 5]) });
    expect(batch.problems[0]?.code).toBe('MF_SHAPE_MISMATCH');
    expect(batch.problems[0]?.message).toMatch(/"question"/);
    const empty = analyzeNode(relation, { objects: shapeOnly([2, 3, 4]) }, { g_layers: [] });
    expect(empty.problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(empty.problems[0]?.at.param).toBe('g_layers');
  });
});
