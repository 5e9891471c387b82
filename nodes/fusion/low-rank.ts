import { defineNode, int, tensor, type WeightSpec } from '@modalflow/core';
import { connected, factorMatrix, prependOne, rows, sharedLeadingAxes } from '../lib/fusion-math.ts';
import '../lib/lowering.ts';

const PORTS = ['a', 'b', 'c'] as const;

/**
 * Low-rank multimodal fusion (Liu et al. 2018, "Efficient Low-rank Multimodal Fusion with
 * Modality-Specific Factors", ACL):
 *   y = sum_{i=1..r} w_i * prod_m (z_m^T W_m^(i)) + b,   z_m = [1 ; h_m],
 * W_m^(i) of shape (d_m+1) x d_y. It equals tensor fusion followed by a linear layer whose
 * weight is the rank-r tensor W = sum_i w_i ⊗_m W_m^(i), without ever forming the product.
 * Layout as the reference implementation (Justin1904/Low-rank-Multimodal-Fusion): factors
 * [r, d_m+1, d_y] (its `audio_factor`, `video_factor`, `text_factor` are `factors.a/b/c`
 * here), `fusion_weights` [1, r], `fusion_bias` [1, d_y]; the 1 is prepended, as in
 * fusion.tensor.
 */
export default defineNode({
  type: 'fusion.low_rank',
  version: 1,
  category: 'fusion',
  title: 'Low-rank fusion (LMF)',
  doc:
    'Gives the same kind of result as tensor fusion followed by a linear layer, but the huge weight tensor is written as a sum of `rank` small per-modality pieces, so the outer product is never built. ' +
    'Each modality (with a 1 appended) is multiplied by its own factor matrices; the results are multiplied element by element across modalities and summed over the rank with learned weights.',
  formula: 'y = \\sum_{i=1}^{r} w_i \\prod_{m} \\left( z_m^\\top W_m^{(i)} \\right) + b, \\quad z_m = \\begin{bmatrix} 1 \\\\ h_m \\end{bmatrix}',
  source: 'Liu et al. 2018, Efficient Low-rank Multimodal Fusion with Modality-Specific Factors (ACL); Justin1904/Low-rank-Multimodal-Fusion',
  inputs: {
    a: tensor('float32', null, { description: '[..., Da] (audio in the reference)' }),
    b: tensor('float32', null, { description: '[..., Db] (video in the reference)' }),
    c: tensor('float32', null, { optional: true, description: '[..., Dc] (text in the reference)' }),
  },
  outputs: { y: tensor('float32', null, { description: '[..., dim]' }) },
  params: {
    dim: int({ default: 64, min: 1, description: 'Output width d_y' }),
    rank: int({ default: 4, min: 1, description: 'Number of rank-one terms r' }),
  },
  infer: ({ inputs, params }) => ({ y: [...sharedLeadingAxes(connected(inputs, PORTS)), params.dim] }),
  weights: ({ inputs, params, need }) => {
    const { dim, rank } = params;
    const out: Record<string, WeightSpec> = {};
    for (const p of PORTS) {
      if (!inputs[p]) continue;
      const d = need(inputs[p]!.at(-1), `the last axis of ${p}`) + 1;
      // Xavier-normal variance 2 / (fan_in + fan_out), with torch's fans of an [r, d, o]
      // tensor: fan_in = d*o, fan_out = r*o; a uniform of that variance has bound sqrt(3) std.
      out[`factors.${p}`] = { shape: [rank, d, dim], init: { kind: 'uniform', bound: Math.sqrt(6 / (d * dim + rank * dim)) } };
    }
    out['fusion_weights'] = { shape: [1, rank], init: { kind: 'uniform', bound: Math.sqrt(6 / (rank + 1)) } };
    out['fusion_bias'] = { shape: [1, dim], init: { kind: 'zeros' } };
    return out;
  },
  flops: ({ inputs, params, size }) => {
    const parts = connected(inputs, PORTS);
    const n = rows(parts[0]![1], size);
    const ro = params.rank * params.dim;
    const factors = parts.reduce((acc, [, s]) => acc + 2 * (size(s.at(-1)!) + 1) * ro, 0);
    return n * (factors + (parts.length - 1) * ro + 2 * ro + params.dim);
  },
  lower: ({ g, x, w, params, inputs }) => {
    const { dim, rank } = params;
    const parts = connected(inputs, PORTS);
    const leading = parts[0]![1].length - 1;
    // Per modality [..., r*d_y]: column block i holds z_m^T W_m^(i).
    const projected = parts.map(([p, s]) => {
      const f = factorMatrix(g, w[`factors.${p}`]!, (s.at(-1) as number) + 1, rank, dim);
      return g.op('MatMul', [prependOne(g, x[p]!), f]);
    });
    const prod = projected.reduce((acc, v) => g.op('Mul', [acc, v]));
    const split = g.op('Reshape', [prod, g.constInt64([...new Array<number>(leading).fill(0), rank, dim])]);
    const summed = g.op('Squeeze', [g.op('MatMul', [w['fusion_weights']!, split]), g.constInt64([-2])]);
    return { y: g.op('Add', [summed, g.op('Reshape', [w['fusion_bias']!, g.constInt64([dim])])]) };
  },
});
