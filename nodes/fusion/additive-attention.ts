import { defineNode, int, tensor } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import { linear } from '../lib/ops.ts';
import { MASK_DTYPES, additiveMask3, linearSpecs } from '../lib/fusion-math.ts';
import '../lib/lowering.ts';

/**
 * Additive (Bahdanau) attention of queries h_i over keys z_j:
 *   f_att(h, z) = v^T tanh(W_h h + W_z z + b),  alpha_ij = softmax_j f_att(h_i, z_j),
 *   c_i = sum_j alpha_ij z_j.
 * Weights: `query_proj.weight` = W_h [A, Dh] (no bias), `key_proj.weight` = W_z [A, Dz] with
 * `key_proj.bias` = b, `v.weight` = v^T [1, A] (no bias: a constant added to every score
 * cancels in the softmax). Source: Bahdanau et al. 2015; used for word-region alignment in
 * multimodal models (e.g. Xu et al. 2015, Show, Attend and Tell).
 */
export default defineNode({
  type: 'fusion.additive_attention',
  version: 1,
  category: 'fusion',
  title: 'Additive attention',
  views: { attention: ['alpha'] },
  doc:
    'Scores how well each query (e.g. a word) matches each key (e.g. an image region) with a small one-hidden-layer network instead of a dot product, turns the scores into weights that sum to 1, and returns the weighted average of the keys for every query. ' +
    'Works even when the two modalities have different widths. The weights `alpha` show the alignment; masked keys get weight 0.',
  formula: '\\alpha_{ij} = \\mathrm{softmax}_j\\, v^\\top \\tanh(W_h h_i + W_z z_j + b), \\quad c_i = \\sum_j \\alpha_{ij} z_j',
  source: 'Bahdanau, Cho, Bengio 2015, Neural Machine Translation by Jointly Learning to Align and Translate; Xu et al. 2015, Show, Attend and Tell',
  inputs: {
    h: tensor('float32', ['B', 'Tq', 'Dh'], { description: 'Queries' }),
    z: tensor('float32', ['B', 'Tk', 'Dz'], { description: 'Keys, also the values that are averaged' }),
    mask: tensor(MASK_DTYPES, ['B', 'Tk'], { optional: true, description: 'Key keep-mask (1 = attend, 0 = ignore)' }),
  },
  outputs: {
    c: tensor('float32', ['B', 'Tq', 'Dz'], { description: 'Attended context per query' }),
    alpha: tensor('float32', ['B', 'Tq', 'Tk'], { description: 'Attention weights; each row sums to 1 over the keys' }),
  },
  params: {
    dim: int({ default: 128, min: 1, description: 'Hidden width A of the scoring network' }),
  },
  weights: ({ params, dims, need }) => {
    const dh = need(dims['Dh'], 'the feature width of h');
    const dz = need(dims['Dz'], 'the feature width of z');
    return {
      ...linearSpecs('query_proj.', params.dim, dh, false),
      ...linearSpecs('key_proj.', params.dim, dz),
      ...linearSpecs('v.', 1, params.dim, false),
    };
  },
  flops: ({ params, dims, size }) => {
    const [b, tq, tk, dh, dz] = [size(dims['B']!), size(dims['Tq']!), size(dims['Tk']!), size(dims['Dh']!), size(dims['Dz']!)];
    const a = params.dim;
    const proj = 2 * b * tq * dh * a + b * tk * a * (2 * dz + 1);
    const scores = b * tq * tk * a * (1 + 4 + 2);
    return proj + scores + 5 * b * tq * tk + 2 * b * tq * tk * dz;
  },
  lower: ({ g, x, w }) => {
    const q = linear(g, x['h']!, w['query_proj.weight']!); // [B, Tq, A]
    const k = linear(g, x['z']!, w['key_proj.weight']!, w['key_proj.bias']); // [B, Tk, A]
    const pairs = g.op('Add', [g.op('Unsqueeze', [q, g.constInt64([2])]), g.op('Unsqueeze', [k, g.constInt64([1])])]);
    const vt = g.op('Transpose', [w['v.weight']!], { perm: ints([1, 0]) }); // [A, 1]
    let scores = g.op('Squeeze', [g.op('MatMul', [g.op('Tanh', [pairs]), vt]), g.constInt64([-1])]); // [B, Tq, Tk]
    if (x['mask']) scores = g.op('Add', [scores, additiveMask3(g, x['mask'])]);
    const alpha = g.op('Softmax', [scores], { axis: i(-1) });
    return { c: g.op('MatMul', [alpha, x['z']!]), alpha };
  },
});
