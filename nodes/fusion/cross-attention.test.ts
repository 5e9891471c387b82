import { describe, expect, it } from 'vitest';
import { analyzeGraph, type Tensor } from '@modalflow/core';
import { f64, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { attentionRowStats, lengthMask, mhaRef, residualRef, weights64 } from '../testing/fusion-reference.ts';
import crossAttention from './cross-attention.ts';

function reference(x: Tensor, c: Tensor, weights: Record<string, Tensor>, o: { dim: number; heads: number; keep?: (b: number, k: number) => boolean }) {
  const W = weights64(weights);
  const [B, tq, dq] = x.dims as [number, number, number];
  const [, tk, dc] = c.dims as [number, number, number];
  return mhaRef({
    x: f64(x), c: f64(c), batch: B, tq, tk, dq, dc, dim: o.dim, dOut: dq, heads: o.heads,
    w: {
      qw: W('q_proj.weight'), qb: W('q_proj.bias'), kw: W('k_proj.weight'), kb: W('k_proj.bias'),
      vw: W('v_proj.weight'), vb: W('v_proj.bias'), ow: W('out_proj.weight'), ob: W('out_proj.bias'),
    },
    keep: o.keep,
  });
}

describe('fusion.cross_attention', () => {
  it('computes Y = LN(X + MHA(X, C)) with a context mask and returns the attention weights', async () => {
    const x = randomTensor([2, 3, 8], 1);
    const c = randomTensor([2, 5, 6], 2);
    const lengths = [5, 2];
    const { outputs, weights } = await runNode(crossAttention, {
      params: { heads: 2 },
      inputs: { x, context: c, mask: lengthMask(lengths, 5) },
      weights: { 'layer_norm.weight': randomTensor([8], 3), 'layer_norm.bias': randomTensor([8], 4) },
    });
    expect(outputs['y']!.dims).toEqual([2, 3, 8]);
    expect(outputs['attn']!.dims).toEqual([2, 2, 3, 5]);
    const ref = reference(x, c, weights, { dim: 8, heads: 2, keep: (b, k) => k < lengths[b]! });
    const W = weights64(weights);
    const y = residualRef(f64(x), ref.out, 8, { gamma: W('layer_norm.weight'), beta: W('layer_norm.bias'), eps: 1e-12 });
    expect(relError(f64(outputs['y']!), y)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['attn']!), ref.attn)).toBeLessThanOrEqual(1e-5);

    const stats = attentionRowStats(f64(outputs['attn']!), 5, (row, k) => k >= lengths[Math.floor(row / (2 * 3))]!);
    expect(stats.sumError).toBeLessThanOrEqual(1e-6);
    expect(stats.maskedMax).toBe(0);
  });

  it('outputs the bare attention (no residual, no norm) at a width other than the query width', async () => {
    const x = randomTensor([1, 4, 6], 5);
    const c = randomTensor([1, 3, 5], 6);
    const { outputs, weights } = await runNode(crossAttention, {
      params: { dim: 8, heads: 4, residual: false, layer_norm: false },
      inputs: { x, context: c },
    });
    expect(Object.keys(weights).some((k) => k.startsWith('layer_norm'))).toBe(false);
    expect(weights['q_proj.weight']!.dims).toEqual([8, 6]);
    expect(weights['out_proj.weight']!.dims).toEqual([6, 8]);
    const ref = reference(x, c, weights, { dim: 8, heads: 4 });
    expect(relError(f64(outputs['y']!), ref.out)).toBeLessThanOrEqual(1e-5);
    expect(relError(f64(outputs['attn']!), ref.attn)).toBeLessThanOrEqual(1e-5);
    expect(attentionRowStats(f64(outputs['attn']!), 3).sumError).toBeLessThanOrEqual(1e-6);
  });

  it('adds the residual without the norm, and accepts a bool mask', async () => {
    const x = randomTensor([2, 2, 4], 7);
    const c = randomTensor([2, 3, 4], 8);
    const mask: Tensor = { dtype: 'bool', dims: [2, 3], data: Uint8Array.of(1, 0, 1, 0, 1, 1) };
    const { outputs, weights } = await runNode(crossAttention, { params: { heads: 1, layer_norm: false }, inputs: { x, context: c, mask } });
    const keep = (b: number, k: number) => mask.data[b * 3 + k] === 1;
    const ref = reference(x, c, weights, { dim: 4, heads: 1, keep });
    expect(relError(f64(outputs['y']!), residualRef(f64(x), ref.out, 4))).toBeLessThanOrEqual(1e-5);
    const stats = attentionRowStats(f64(outputs['attn']!), 3, (row, k) => !keep(Math.floor(row / 2), k));
    expect(stats.sumError).toBeLessThanOrEqual(1e-6);
    expect(stats.maskedMax).toBe(0);
  });

  it('counts parameters as a BERT-base cross-attention block (ALBEF: 768 over 768-wide image tokens)', () => {
    const doc = singleNodeGraph(crossAttention, { params: { heads: 12 }, inputs: { x: randomTensor([1, 30, 768]), context: randomTensor([1, 257, 768]) } });
    const info = analyzeGraph(doc, registryWith(crossAttention)).nodes.get('n')!;
    expect(info.paramCount).toBe(2_363_904);
    expect(info.outputShapes['attn']).toEqual([1, 12, 30, 257]);
  });

  it('rejects a batch or mask mismatch and a width not divisible by the heads', () => {
    const errors = (inputs: Record<string, Tensor>, params: Record<string, unknown> = {}) =>
      analyzeGraph(singleNodeGraph(crossAttention, { inputs, params }), registryWith(crossAttention)).problems.filter((p) => p.severity === 'error');
    const batch = errors({ x: randomTensor([2, 3, 8]), context: randomTensor([3, 4, 8]) });
    expect(batch[0]!.code).toBe('MF_SHAPE_MISMATCH');
    expect(batch[0]!.message).toContain('"context"');
    const mask = errors({ x: randomTensor([2, 3, 8]), context: randomTensor([2, 4, 8]), mask: lengthMask([1, 1], 5) });
    expect(mask[0]!.code).toBe('MF_SHAPE_MISMATCH');
    expect(mask[0]!.message).toContain('"mask"');
    const heads = errors({ x: randomTensor([2, 3, 8]), context: randomTensor([2, 4, 8]) }, { heads: 3 });
    expect(heads[0]!.code).toBe('MF_SHAPE_INFER');
    expect(heads[0]!.at.param).toBe('heads');
    expect(heads[0]!.message).toContain('3 heads');
  });
});
