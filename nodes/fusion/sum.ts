import { NodeError, bool, choice, defineNode, int, tensor, type WeightSpec } from '@modalflow/core';
import { ACTIVATIONS, ACTIVATION_FLOPS, activation, linear } from '../lib/ops.ts';
import { connected, linearSpecs, rows, sharedLeadingAxes } from '../lib/fusion-math.ts';
import '../lib/lowering.ts';

const PORTS = ['a', 'b', 'c', 'd'] as const;

/**
 * Element-wise sum fusion. Without projections (dim = 0): h = a + b (+ c + d), all of one
 * shape. With projections (dim > 0): h = sum_m phi(W_m x_m + b_m), each input first mapped to
 * the common width, as MMF's LinearSum (linear0, linear1, input activation) before its
 * output layer.
 */
export default defineNode({
  type: 'fusion.sum',
  version: 1,
  category: 'fusion',
  title: 'Sum',
  doc:
    'Adds feature vectors of two to four modalities element by element. If their widths differ, set `dim` to learn one linear map per input to that common width first (optionally followed by an activation), then add.',
  formula: 'h = \\sum_m \\phi(W_m x_m + b_m) \\quad (\\text{or } h = \\sum_m x_m \\text{ when } dim = 0)',
  source: 'MMF LinearSum fusion (facebookresearch/mmf, mmf/modules/fusions.py); Ben-younes et al. 2019 (BLOCK) baselines',
  inputs: {
    a: tensor('float32', null, { description: '[..., Da]' }),
    b: tensor('float32', null, { description: '[..., Db]' }),
    c: tensor('float32', null, { optional: true, description: '[..., Dc]' }),
    d: tensor('float32', null, { optional: true, description: '[..., Dd]' }),
  },
  outputs: { h: tensor('float32', null, { description: '[..., dim] (or the common input width)' }) },
  params: {
    dim: int({ default: 0, min: 0, description: 'Common width to project every input to (0 = no projections; inputs must already share their width)' }),
    activation: choice(ACTIVATIONS, { default: 'identity', description: 'Applied to each projected input (MMF uses relu); ignored when dim = 0' }),
    bias: bool({ default: true, description: 'Projections have a bias' }),
  },
  infer: ({ inputs, params }) => {
    const parts = connected(inputs, PORTS);
    const lead = sharedLeadingAxes(parts);
    if (params.dim > 0) return { h: [...lead, params.dim] };
    const [refPort, ref] = parts[0]!;
    let width = ref.at(-1)!;
    for (const [port, s] of parts.slice(1)) {
      const w = s.at(-1)!;
      if (typeof w === 'number' && typeof width === 'number' && w !== width) {
        throw new NodeError(
          `"${port}" has width ${w} but "${refPort}" has ${width}; set dim to project the inputs to a common width`,
          { port },
        );
      }
      if (typeof w === 'number') width = w;
    }
    return { h: [...lead, width] };
  },
  weights: ({ inputs, params, need }) => {
    if (params.dim === 0) return {};
    const out: Record<string, WeightSpec> = {};
    PORTS.forEach((p, k) => {
      if (!inputs[p]) return;
      Object.assign(out, linearSpecs(`linear${k}.`, params.dim, need(inputs[p]!.at(-1), `the last axis of ${p}`), params.bias));
    });
    return out;
  },
  flops: ({ inputs, outputs, params, size }) => {
    const parts = connected(inputs, PORTS);
    const n = rows(outputs['h']!, size);
    const width = size(outputs['h']!.at(-1)!);
    const adds = (parts.length - 1) * n * width;
    if (params.dim === 0) return adds;
    const proj = parts.reduce((acc, [, s]) => acc + n * params.dim * (2 * size(s.at(-1)!) + (params.bias ? 1 : 0)), 0);
    return proj + parts.length * n * params.dim * ACTIVATION_FLOPS[params.activation] + adds;
  },
  lower: ({ g, x, w, params }) => {
    const terms = PORTS.flatMap((p, k) => {
      const v = x[p];
      if (!v) return [];
      if (params.dim === 0) return [v];
      return [activation(g, linear(g, v, w[`linear${k}.weight`]!, w[`linear${k}.bias`]), params.activation)];
    });
    return { h: terms.length === 1 ? terms[0]! : g.op('Sum', terms) };
  },
});
