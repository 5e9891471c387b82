import { NodeError, bool, defineNode, float, tensor, type WeightSpec } from '@modalflow/core';
import '../lib/lowering.ts';

/**
 * Batch normalisation in inference mode, as torch.nn.BatchNorm1d after `model.eval()`
 * (Ioffe & Szegedy 2015): each channel c (axis 1 of [B, C] or [B, C, L]) is normalised with
 * the running statistics gathered in training,
 *   y = (x - μ_c) / sqrt(σ²_c + ε) · γ_c + β_c.
 * `weight` (γ) and `bias` (β) are parameters; `running_mean` (μ) and `running_var` (σ²) are
 * buffers: loaded from a checkpoint, not trained, and not counted as parameters, exactly as
 * PyTorch's `parameters()` counts. The state_dict's `num_batches_tracked` (an int64 step
 * counter that inference never reads) is not declared: drop it when converting a checkpoint.
 */
export default defineNode({
  type: 'layer.batch_norm',
  version: 1,
  category: 'layers',
  title: 'Batch norm',
  doc:
    'Normalises each feature (channel) with the mean and variance measured over the training data, then scales and shifts it with two learned numbers per feature (torch.nn.BatchNorm1d in evaluation mode). ' +
    'The running mean and variance are stored with the weights but are not trained parameters, so they do not add to the parameter count. ' +
    'Input [B, C] (one vector per example) or [B, C, L] (channels first, a sequence of length L).',
  formula: 'y = \\frac{x - \\mu_c}{\\sqrt{\\sigma^2_c + \\epsilon}}\\, \\gamma_c + \\beta_c',
  source: 'Ioffe & Szegedy 2015, Batch Normalization; torch.nn.BatchNorm1d (eval mode)',
  inputs: { x: tensor('float32', null, { description: 'Features [B, C] or [B, C, L]' }) },
  outputs: { y: tensor('float32', null, { description: 'Normalised features, same shape' }) },
  params: {
    eps: float({ default: 1e-5, min: 0, max: 1, description: 'Added to the running variance (PyTorch default 1e-5)' }),
    affine: bool({ default: true, description: 'Learned scale γ (`weight`) and shift β (`bias`), as PyTorch\'s affine=True' }),
  },
  infer: ({ inputs }) => {
    const x = inputs['x']!;
    if (x.length !== 2 && x.length !== 3) {
      throw new NodeError(`input "x" must be [B, C] or [B, C, L] (channels on axis 1), got rank ${x.length}`, { port: 'x' });
    }
    return { y: x };
  },
  weights: ({ inputs, params, need }): Record<string, WeightSpec> => {
    const c = need(inputs['x']![1], 'the channel axis (axis 1) of x');
    return {
      ...(params.affine
        ? { weight: { shape: [c], init: { kind: 'ones' } }, bias: { shape: [c], init: { kind: 'zeros' } } }
        : {}),
      running_mean: { shape: [c], init: { kind: 'zeros' }, buffer: true },
      running_var: { shape: [c], init: { kind: 'ones' }, buffer: true },
    };
  },
  flops: ({ inputs, size }) => 4 * inputs['x']!.reduce<number>((a, d) => a * size(d), 1),
  lower: ({ g, x, w, params, inputs }) => {
    // Statistics are [C]; for [B, C, L] they must broadcast over L, so they become [C, 1].
    const perChannel = (v: string) => (inputs['x']!.length === 3 ? g.op('Unsqueeze', [v, g.constInt64([1])]) : v);
    let scale = g.op('Div', [g.scalarFloat(1), g.op('Sqrt', [g.op('Add', [w['running_var']!, g.scalarFloat(params.eps)])])]);
    if (params.affine) scale = g.op('Mul', [scale, w['weight']!]);
    let y = g.op('Mul', [g.op('Sub', [x['x']!, perChannel(w['running_mean']!)]), perChannel(scale)]);
    if (params.affine) y = g.op('Add', [y, perChannel(w['bias']!)]);
    return { y };
  },
});
