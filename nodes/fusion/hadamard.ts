import { choice, defineNode, int, tensor, type WeightSpec } from '@modalflow/core';
import { ACTIVATIONS, ACTIVATION_FLOPS, activation, linear } from '../lib/ops.ts';
import { connected, linearSpecs, rows, sharedLeadingAxes } from '../lib/fusion-math.ts';
import '../lib/lowering.ts';

/**
 * Multimodal low-rank bilinear pooling (MLB, Kim et al. 2017, "Hadamard Product for Low-rank
 * Bilinear Pooling"): h = tanh(W_a a + b_a) ⊙ tanh(W_b b + b_b), then optionally
 * y = W_o h + b_o (the paper's P^T (...) + b). Weight names and layout follow MMF's `mlb`
 * fusion (linear0, linear1, linear_out), which applies the input activation after each
 * projection (relu by default there; tanh in the paper, the default here).
 */
export default defineNode({
  type: 'fusion.hadamard',
  version: 1,
  category: 'fusion',
  title: 'Hadamard (MLB)',
  doc:
    'Projects both inputs to a common width, squashes them (tanh in the paper), and multiplies them element by element. ' +
    'The product lets every feature of one modality scale the matching feature of the other: a cheap, low-rank stand-in for a full bilinear interaction. ' +
    'An optional output layer maps the product to `out` features.',
  formula: 'h = \\sigma(W_a a + b_a) \\odot \\sigma(W_b b + b_b), \\quad y = W_o h + b_o',
  source: 'Kim et al. 2017, Hadamard Product for Low-rank Bilinear Pooling (ICLR); MMF MLB fusion (mmf/modules/fusions.py)',
  inputs: {
    a: tensor('float32', null, { description: '[..., Da]' }),
    b: tensor('float32', null, { description: '[..., Db]' }),
  },
  outputs: { h: tensor('float32', null, { description: '[..., out] (or [..., dim] without the output layer)' }) },
  params: {
    dim: int({ default: 1200, min: 1, description: 'Joint width the two inputs are projected to (MMF mm_dim)' }),
    activation: choice(ACTIVATIONS, { default: 'tanh', description: 'Applied to each projection before the product (tanh in the paper, relu in MMF)' }),
    out: int({ default: 0, min: 0, description: 'Output layer width (0 = no output layer; output the product)' }),
  },
  infer: ({ inputs, params }) => {
    const lead = sharedLeadingAxes(connected(inputs, ['a', 'b']));
    return { h: [...lead, params.out || params.dim] };
  },
  weights: ({ inputs, params, need }): Record<string, WeightSpec> => ({
    ...linearSpecs('linear0.', params.dim, need(inputs['a']!.at(-1), 'the last axis of a')),
    ...linearSpecs('linear1.', params.dim, need(inputs['b']!.at(-1), 'the last axis of b')),
    ...(params.out ? linearSpecs('linear_out.', params.out, params.dim) : {}),
  }),
  flops: ({ inputs, params, size }) => {
    const n = rows(inputs['a']!, size);
    const proj = (s: number) => n * params.dim * (2 * s + 1 + ACTIVATION_FLOPS[params.activation]);
    const product = n * params.dim;
    const outLayer = params.out ? n * params.out * (2 * params.dim + 1) : 0;
    return proj(size(inputs['a']!.at(-1)!)) + proj(size(inputs['b']!.at(-1)!)) + product + outLayer;
  },
  lower: ({ g, x, w, params }) => {
    const pa = activation(g, linear(g, x['a']!, w['linear0.weight']!, w['linear0.bias']), params.activation);
    const pb = activation(g, linear(g, x['b']!, w['linear1.weight']!, w['linear1.bias']), params.activation);
    const h = g.op('Mul', [pa, pb]);
    return { h: params.out ? linear(g, h, w['linear_out.weight']!, w['linear_out.bias']) : h };
  },
});
