import { defineNode, dimAdd, dimMul, int, tensor, type Dim } from '@modalflow/core';
import { linear } from '../lib/ops.ts';
import { connected, linearSpecs, outerFlat, prependOne, rows, sharedLeadingAxes } from '../lib/fusion-math.ts';
import '../lib/lowering.ts';

const PORTS = ['a', 'b', 'c'] as const;

/**
 * Tensor fusion (Zadeh et al. 2017, Tensor Fusion Network): z_m = [1 ; h_m],
 * Z = z_a ⊗ z_b (⊗ z_c) flattened to (d_a+1)(d_b+1)(d_c+1) values, then optionally
 * y = W vec(Z) + b. The 1 is prepended and Z is flattened with a's index outermost, as the
 * reference implementation (Justin1904/TensorFusionNetworks: torch.cat((ones, h), 1), then
 * bmm of outer products and view(batch, -1)); the paper writes [h ; 1], which only permutes
 * the entries. The projection is named `post_fusion_layer_1` as there.
 */
export default defineNode({
  type: 'fusion.tensor',
  version: 1,
  category: 'fusion',
  title: 'Tensor fusion (TFN)',
  doc:
    'Appends a constant 1 to each modality vector and takes their outer product, so the result holds every single feature, every pair of features across two modalities, and every triple across three. ' +
    'The flattened product is large ((Da+1)(Db+1)(Dc+1) values); `dim` > 0 adds a learned linear layer down to `dim` features.',
  formula: 'z_m = \\begin{bmatrix} 1 \\\\ h_m \\end{bmatrix},\\quad Z = z_a \\otimes z_b \\otimes z_c,\\quad y = W\\, \\mathrm{vec}(Z) + b',
  source: 'Zadeh et al. 2017, Tensor Fusion Network for Multimodal Sentiment Analysis (EMNLP); Justin1904/TensorFusionNetworks',
  inputs: {
    a: tensor('float32', null, { description: '[..., Da] (audio in the reference)' }),
    b: tensor('float32', null, { description: '[..., Db] (video in the reference)' }),
    c: tensor('float32', null, { optional: true, description: '[..., Dc] (text in the reference)' }),
  },
  outputs: { z: tensor('float32', null, { description: '[..., (Da+1)(Db+1)(Dc+1)] or [..., dim]' }) },
  params: {
    dim: int({ default: 0, min: 0, description: 'Width of the linear layer after the product (0 = output the flattened product)' }),
  },
  infer: ({ inputs, params }) => {
    const parts = connected(inputs, PORTS);
    const lead = sharedLeadingAxes(parts);
    if (params.dim > 0) return { z: [...lead, params.dim] };
    const width = parts.reduce<Dim>((acc, [, s]) => dimMul(acc, dimAdd(s.at(-1)!, 1)), 1);
    return { z: [...lead, width] };
  },
  weights: ({ inputs, params, need }) => {
    if (params.dim === 0) return {};
    const n = PORTS.reduce((acc, p) => (inputs[p] ? acc * (need(inputs[p]!.at(-1), `the last axis of ${p}`) + 1) : acc), 1);
    return linearSpecs('post_fusion_layer_1.', params.dim, n);
  },
  flops: ({ inputs, params, size }) => {
    const parts = connected(inputs, PORTS);
    const r = rows(parts[0]![1], size);
    const widths = parts.map(([, s]) => size(s.at(-1)!) + 1);
    let n = widths[0]!;
    let products = 0;
    for (const w of widths.slice(1)) {
      n *= w;
      products += n;
    }
    return r * (products + (params.dim ? params.dim * (2 * n + 1) : 0));
  },
  lower: ({ g, x, w, params, inputs }) => {
    const parts = connected(inputs, PORTS);
    const leading = parts[0]![1].length - 1;
    let z = prependOne(g, x[parts[0]![0]]!);
    for (const [port] of parts.slice(1)) z = outerFlat(g, z, prependOne(g, x[port]!), leading);
    return { z: params.dim ? linear(g, z, w['post_fusion_layer_1.weight']!, w['post_fusion_layer_1.bias']) : z };
  },
});
