import { NodeError, choice, defineNode, int, tensor, type Dim, type WeightSpec } from '@modalflow/core';
import { ACTIVATIONS, ACTIVATION_FLOPS, activation, linear } from '../lib/ops.ts';
import { connected, linearSpecs, rows, sharedLeadingAxes } from '../lib/fusion-math.ts';
import '../lib/lowering.ts';

/**
 * Multimodal low-rank bilinear pooling (MLB, Kim et al. 2017, "Hadamard Product for Low-rank
 * Bilinear Pooling"): h = tanh(W_a a + b_a) ⊙ tanh(W_b b + b_b), then optionally
 * y = W_o h + b_o (the paper's P^T (...) + b). Weight names and layout follow MMF's `mlb`
 * fusion (linear0, linear1, linear_out), which applies the input activation after each
 * projection (relu by default there; tanh in the paper, the default here).
 * With dim 0 there are no input projections and h = a ⊙ b: the plain product that ViLBERT
 * (`fusion_method = "mul"`, pooled_output_t * pooled_output_v) applies to its two poolers.
 */
export default defineNode({
  type: 'fusion.hadamard',
  version: 1,
  category: 'fusion',
  title: 'Hadamard (MLB)',
  doc:
    'Projects both inputs to a common width, squashes them (tanh in the paper), and multiplies them element by element. ' +
    'The product lets every feature of one modality scale the matching feature of the other: a cheap, low-rank stand-in for a full bilinear interaction. ' +
    'With `dim` 0 the inputs are multiplied as they are (no projections, no activation), so they must already have the same width, as the poolers\' outputs in ViLBERT. ' +
    'An optional output layer maps the product to `out` features.',
  formula: 'h = \\sigma(W_a a + b_a) \\odot \\sigma(W_b b + b_b), \\quad y = W_o h + b_o \\qquad (\\text{dim } 0\\text{: } h = a \\odot b)',
  source: 'Kim et al. 2017, Hadamard Product for Low-rank Bilinear Pooling (ICLR); MMF MLB fusion (mmf/modules/fusions.py); Lu et al. 2019 (ViLBERT, fusion_method "mul")',
  inputs: {
    a: tensor('float32', null, { description: '[..., Da]' }),
    b: tensor('float32', null, { description: '[..., Db]' }),
  },
  outputs: { h: tensor('float32', null, { description: '[..., out] (or [..., dim] without the output layer; [..., D] with dim 0)' }) },
  params: {
    dim: int({ default: 1200, min: 0, description: 'Joint width the two inputs are projected to (MMF mm_dim); 0 = no projections, multiply a and b as they are' }),
    activation: choice(ACTIVATIONS, { default: 'tanh', description: 'Applied to each projection before the product (tanh in the paper, relu in MMF); unused with dim 0' }),
    out: int({ default: 0, min: 0, description: 'Output layer width (0 = no output layer; output the product)' }),
  },
  infer: ({ inputs, params }) => {
    const lead = sharedLeadingAxes(connected(inputs, ['a', 'b']));
    let width: Dim = params.dim;
    if (params.dim === 0) {
      const da = inputs['a']!.at(-1)!;
      const db = inputs['b']!.at(-1)!;
      if (typeof da === 'number' && typeof db === 'number' && da !== db) {
        throw new NodeError(`"b" has width ${db} but "a" has ${da}; with dim 0 (no projections) the widths must match`, { port: 'b' });
      }
      width = typeof da === 'number' ? da : db;
    }
    return { h: [...lead, params.out || width] };
  },
  weights: ({ inputs, params, need }): Record<string, WeightSpec> => {
    if (params.dim === 0) {
      return params.out ? linearSpecs('linear_out.', params.out, need(inputs['a']!.at(-1), 'the last axis of a')) : {};
    }
    return {
      ...linearSpecs('linear0.', params.dim, need(inputs['a']!.at(-1), 'the last axis of a')),
      ...linearSpecs('linear1.', params.dim, need(inputs['b']!.at(-1), 'the last axis of b')),
      ...(params.out ? linearSpecs('linear_out.', params.out, params.dim) : {}),
    };
  },
  flops: ({ inputs, params, size }) => {
    const n = rows(inputs['a']!, size);
    const width = params.dim || size(inputs['a']!.at(-1)!);
    const proj = (s: number) => (params.dim ? n * params.dim * (2 * s + 1 + ACTIVATION_FLOPS[params.activation]) : 0);
    const product = n * width;
    const outLayer = params.out ? n * params.out * (2 * width + 1) : 0;
    return proj(size(inputs['a']!.at(-1)!)) + proj(size(inputs['b']!.at(-1)!)) + product + outLayer;
  },
  lower: ({ g, x, w, params }) => {
    const project = (v: string, name: string) =>
      params.dim ? activation(g, linear(g, v, w[`${name}.weight`]!, w[`${name}.bias`]), params.activation) : v;
    const h = g.op('Mul', [project(x['a']!, 'linear0'), project(x['b']!, 'linear1')]);
    return { h: params.out ? linear(g, h, w['linear_out.weight']!, w['linear_out.bias']) : h };
  },
});
