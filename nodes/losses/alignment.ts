import { choice, defineNode, tensor } from '@modalflow/core';
import { ints } from '@modalflow/onnx';
import { reduceMean, reduceSum } from '../lib/loss-ops.ts';
import '../lib/lowering.ts';

/**
 * Alignment loss between two sets of features (MODELS.md: Σ_i Σ_j ||f_i - g_j||²):
 *   D_bij = ||f_bi - g_bj||²,  loss = Σ_b Σ_i Σ_j w_bij D_bij
 * summed, as the formula is written (`reduction: mean` divides by B·N·M instead). The optional
 * `weights` [B, N, M] is a soft alignment (an attention map, or an optimal-transport plan as in
 * UNITER's word-region alignment); without it every pair counts once, the formula as written.
 * D is computed as ||f||² + ||g||² - 2 f·g (matrix products, no [B, N, M, D] intermediate) and
 * clamped at 0 against rounding.
 */
export default defineNode({
  type: 'loss.alignment',
  version: 1,
  category: 'losses',
  title: 'Alignment loss',
  doc:
    'Pulls two sets of features together, for example word features and image-region features that describe the same thing: it adds up the squared distance between every f_i and every g_j, optionally weighting each pair by how strongly the two are aligned. The `distances` output gives the whole pairwise matrix.',
  formula: '\\mathcal{L} = \\sum_b \\sum_{i=1}^{N} \\sum_{j=1}^{M} w_{bij}\\, \\lVert f_{bi} - g_{bj} \\rVert^2',
  source: 'Alignment objective as summarised in MODELS.md; weighted form as UNITER word-region alignment (Chen et al. 2020)',
  inputs: {
    f: tensor('float32', ['B', 'N', 'D'], { description: 'First feature set [B, N, D]' }),
    g: tensor('float32', ['B', 'M', 'D'], { description: 'Second feature set [B, M, D]' }),
    weights: tensor('float32', ['B', 'N', 'M'], { optional: true, description: 'Pair weights [B, N, M] (default: all 1)' }),
  },
  outputs: {
    loss: tensor('float32', [], { description: 'Weighted sum (or mean) of squared distances' }),
    distances: tensor('float32', ['B', 'N', 'M'], { description: 'Squared distances ||f_i - g_j||²' }),
  },
  params: {
    reduction: choice(['sum', 'mean'], { default: 'sum', description: 'sum over all pairs (as the formula) or mean over B·N·M pairs' }),
  },
  flops: ({ inputs, size }) => {
    const [b, n, d] = inputs['f']!.map(size) as [number, number, number];
    const m = size(inputs['g']![1]!);
    return b * (2 * n * m * d + 2 * (n + m) * d + 5 * n * m);
  },
  lower: ({ g, x, params }) => {
    const f = x['f']!;
    const h = x['g']!;
    const sq = (v: string) => reduceSum(g, g.op('Mul', [v, v]), [-1], true);
    const ff = sq(f); // [B, N, 1]
    const hh = g.op('Transpose', [sq(h)], { perm: ints([0, 2, 1]) }); // [B, 1, M]
    const fh = g.op('MatMul', [f, g.op('Transpose', [h], { perm: ints([0, 2, 1]) })]);
    const d2 = g.op('Sub', [g.op('Add', [ff, hh]), g.op('Mul', [fh, g.scalarFloat(2)])]);
    const distances = g.op('Relu', [d2]);
    const weighted = x['weights'] ? g.op('Mul', [distances, x['weights']]) : distances;
    const loss = params.reduction === 'sum' ? reduceSum(g, weighted) : reduceMean(g, weighted);
    return { loss, distances };
  },
});
