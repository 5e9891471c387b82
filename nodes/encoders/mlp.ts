import { NodeError, bool, choice, defineNode, float, ints, tensor, type WeightSpec } from '@modalflow/core';
import { ACTIVATIONS, ACTIVATION_FLOPS, activation, layerNorm, linear } from '../lib/ops.ts';
import { layerNormSpecs, linearSpecs } from '../lib/transformer.ts';
import '../lib/lowering.ts';

/**
 * Multilayer perceptron encoder for feature vectors (audio statistics, tabular or pooled
 * features):  h_0 = x,  h_i = act(W_i h_{i-1} + b_i),  y = [LN](h_L)
 * with no activation after the last layer unless asked. Weights are a ModuleList of Linear:
 * `layers.{i}.weight` [width_i, width_{i-1}], `layers.{i}.bias`, and `norm.weight/bias` for
 * the optional final LayerNorm. No dropout: inference graphs are deterministic.
 */
export default defineNode({
  type: 'encoder.mlp',
  version: 1,
  category: 'encoders',
  title: 'MLP encoder',
  doc:
    'Encodes a feature vector with a stack of fully connected layers. `layers` lists the width of each layer in order; the last one is the output width. ' +
    'An activation sits between layers (and after the last one if `last_activation` is on); a final layer norm is optional. Leading axes (batch, sequence) pass through unchanged.',
  formula: 'h_i = \\phi(W_i h_{i-1} + b_i),\\quad y = \\mathrm{LN}(W_L h_{L-1} + b_L)',
  source: 'Multilayer perceptron (Rumelhart et al. 1986); torch.nn.ModuleList of nn.Linear',
  inputs: { x: tensor('float32', null, { description: 'Features [..., Din]' }) },
  outputs: { y: tensor('float32', null, { description: 'Encoded features [..., last width]' }) },
  params: {
    layers: ints({ default: [512, 512], min: 1, description: 'Width of each Linear layer, in order; the last is the output width' }),
    activation: choice(ACTIVATIONS, { default: 'relu', description: 'Activation between layers' }),
    last_activation: bool({ default: false, description: 'Also apply the activation after the last layer' }),
    bias: bool({ default: true, description: 'Learned biases' }),
    layer_norm: bool({ default: false, description: 'LayerNorm on the output' }),
    eps: float({ default: 1e-5, min: 0, max: 1, description: 'LayerNorm epsilon' }),
  },
  infer: ({ inputs, params: p }) => {
    const x = inputs['x']!;
    if (x.length < 1) throw new NodeError('input must have at least one axis', { port: 'x' });
    if (p.layers.length < 1) throw new NodeError('give at least one layer width', { param: 'layers' });
    return { y: [...x.slice(0, -1), p.layers.at(-1)!] };
  },
  weights: ({ inputs, params: p, need }) => {
    let inp = need(inputs['x']!.at(-1), 'the last axis of x');
    const out: Record<string, WeightSpec> = {};
    p.layers.forEach((width, k) => {
      Object.assign(out, linearSpecs(`layers.${k}.`, width, inp, p.bias));
      inp = width;
    });
    if (p.layer_norm) Object.assign(out, layerNormSpecs('norm.', inp));
    return out;
  },
  flops: ({ inputs, params: p, size }) => {
    const x = inputs['x']!;
    const rows = x.slice(0, -1).reduce<number>((a, d) => a * size(d), 1);
    let inp = size(x.at(-1)!);
    let total = 0;
    p.layers.forEach((width, k) => {
      const acts = k < p.layers.length - 1 || p.last_activation ? ACTIVATION_FLOPS[p.activation] : 0;
      total += rows * width * (2 * inp + (p.bias ? 1 : 0) + acts);
      inp = width;
    });
    return total + (p.layer_norm ? 8 * rows * inp : 0);
  },
  lower: ({ g, x, w, params: p }) => {
    let h = x['x']!;
    p.layers.forEach((_, k) => {
      h = linear(g, h, w[`layers.${k}.weight`]!, w[`layers.${k}.bias`]);
      if (k < p.layers.length - 1 || p.last_activation) h = activation(g, h, p.activation);
    });
    if (p.layer_norm) h = layerNorm(g, h, w['norm.weight']!, w['norm.bias']!, p.eps);
    return { y: h };
  },
});
