import { NodeError, defineNode, float, tensor } from '@modalflow/core';
import { layerNorm } from '../lib/ops.ts';
import '../lib/lowering.ts';

/** Layer normalisation over the last axis (Ba et al. 2016), as torch.nn.LayerNorm. */
export default defineNode({
  type: 'layer.layer_norm',
  version: 1,
  category: 'layers',
  title: 'Layer norm',
  doc: 'Normalises each vector over its last axis to zero mean and unit variance, then scales and shifts (torch.nn.LayerNorm).',
  formula: 'y = \\frac{x - \\mathrm{E}[x]}{\\sqrt{\\mathrm{Var}[x] + \\epsilon}} \\odot \\gamma + \\beta',
  source: 'Ba, Kiros, Hinton 2016, Layer Normalization',
  inputs: { x: tensor('float32', null) },
  outputs: { y: tensor('float32', null) },
  params: { eps: float({ default: 1e-5, min: 0, max: 1, description: 'Added to the variance' }) },
  infer: ({ inputs }) => {
    const x = inputs['x']!;
    // An empty last axis (a transformer's cross_attn when no layer cross-attends) has no mean to
    // take; said here, since the runtime's LayerNormalization only fails when the graph runs.
    if (x.length === 0 || x.at(-1) === 0) {
      throw new NodeError(`input "x" is [${x.join(', ')}]: layer norm needs at least one value on its last axis`, { port: 'x' });
    }
    return { y: x };
  },
  weights: ({ inputs, need }) => {
    const d = need(inputs['x']!.at(-1), 'the last axis of x');
    return { weight: { shape: [d], init: { kind: 'ones' } }, bias: { shape: [d], init: { kind: 'zeros' } } };
  },
  flops: ({ inputs, size }) => 8 * inputs['x']!.reduce<number>((a, d) => a * size(d), 1),
  lower: ({ g, x, w, params }) => ({ y: layerNorm(g, x['x']!, w['weight']!, w['bias']!, params.eps) }),
});
