import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, linearRef, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { attentionRowStats, lengthMask, weights64 } from '../testing/fusion-reference.ts';
import additiveAttention from './additive-attention.ts';

/** alpha_ij = softmax_j v^T tanh(W_h h_i + W_z z_j + b) over kept keys; c_i = sum_j alpha_ij z_j. */
function additiveRef(h: Tensor, z: Tensor, weights: Record<string, Tensor>, a: number, keep: (b: number, j: number) => boolean = () => true) {
  const W = weights64(weights);
  const [B, tq, dh] = h.dims as [number, number, number];
  const [, tk, dz] = z.dims as [number, number, number];
  const zs = f64(z);
  const q = linearRef(f64(h), dh, W('query_proj.weight'), a);
  const k = linearRef(zs, dz, W('key_proj.weight'), a, W('key_proj.bias'));
  const v = W('v.weight');
  const alpha = new Float64Array(B * tq * tk);
  const c = new Float64Array(B * tq * dz);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < tq; i++) {
      const e = new Float64Array(tk);
      let m = -Infinity;
      for (let j = 0; j < tk; j++) {
        let s = 0;
        for (let u = 0; u < a; u++) s += v[u]! * Math.tanh(q[(b * tq + i) * a + u]! + k[(b * tk + j) * a + u]!);
        e[j] = s;
        if (keep(b, j)) m = Math.max(m, s);
      }
      let total = 0;
      for (let j = 0; j < tk; j++) total += keep(b, j) ? Math.exp(e[j]! - m) : 0;
      for (let j = 0; j < tk; j++) {
        const p = keep(b, j) ? Math.exp(e[j]! - m) / total : 0;
        alpha[(b * tq + i) * tk + j] = p;
        for (let d = 0; d < dz; d++) c[(b * tq + i) * dz + d]! += p * zs[(b * tk + j) * dz + d]!;
      }
    }
  }
  return { c, alpha };
}

describe('fusion.additive_attention', () => {
  it('scores with v^T tanh(W_h h + W_z z + b) and averages the keys', async () => {
    const h = randomTensor([2, 3, 5], 1);
    const z = randomTensor([2, 4, 3], 2);
    const { outputs, weights } = await runNode(additiveAttention, { params: { dim: 6 }, inputs: { h, z } });
    expect(Object.keys(weights).sort()).toEqual(['key_proj.bias', 'key_proj.weight', 'query_proj.weight', 'v.weight']);
    expect(outputs['c']!.dims).toEqual([2, 3, 3]);
    expect(outputs['alpha']!.dims).toEqual([2, 3, 4]);
    const ref = additiveRef(h, z, weights, 6);
    expect(relError(f64(outputs['c']!), ref.c)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['alpha']!), ref.alpha)).toBeLessThanOrEqual(1e-5);
    expect(attentionRowStats(f64(outputs['alpha']!), 4).sumError).toBeLessThanOrEqual(1e-6);
  });

  it('gives masked keys zero weight', async () => {
    const h = randomTensor([2, 2, 4], 3, 2);
    const z = randomTensor([2, 5, 4], 4, 2);
    const lengths = [3, 1];
    const { outputs, weights } = await runNode(additiveAttention, { params: { dim: 3 }, inputs: { h, z, mask: lengthMask(lengths, 5) } });
    const keep = (b: number, j: number) => j < lengths[b]!;
    const ref = additiveRef(h, z, weights, 3, keep);
    expect(relError(f64(outputs['c']!), ref.c)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['alpha']!), ref.alpha)).toBeLessThanOrEqual(1e-5);
    const stats = attentionRowStats(f64(outputs['alpha']!), 5, (row, j) => !keep(Math.floor(row / 2), j));
    expect(stats.sumError).toBeLessThanOrEqual(1e-6);
    expect(stats.maskedMax).toBe(0);
  });

  it('counts parameters and rejects a key mask of the wrong length', () => {
    const reg = registryWith(additiveAttention);
    const ok = analyzeGraph(singleNodeGraph(additiveAttention, { params: { dim: 512 }, inputs: { h: randomTensor([1, 1, 512]), z: randomTensor([1, 196, 2048]) } }), reg);
    expect(ok.nodes.get('n')!.paramCount).toBe(512 * 512 + 512 * 2048 + 512 + 512);
    const bad = analyzeGraph(singleNodeGraph(additiveAttention, { inputs: { h: randomTensor([1, 2, 4]), z: randomTensor([1, 3, 4]), mask: lengthMask([1], 4) } }), reg);
    const p = bad.problems.find((q) => q.severity === 'error')!;
    expect(p.code).toBe('MF_SHAPE_MISMATCH');
    expect(p.message).toContain('"mask"');
  });
});
