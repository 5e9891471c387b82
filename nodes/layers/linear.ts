import { NodeError, bool, defineNode, int, linearBound, tensor } from '@modalflow/core';
import { linear } from '../lib/ops.ts';
import '../lib/lowering.ts';

/**
 * Fully connected layer over the last axis, as torch.nn.Linear:
 * y = x W^T + b, W of shape [out, in].
 */
export default defineNode({
  type: 'layer.linear',
  version: 1,
  category: 'layers',
  title: 'Linear',
  doc: 'Affine map over the last axis (torch.nn.Linear). Weight `weight` is [out, in], `bias` is [out].',
  formula: 'y = x W^\\top + b',
  source: 'torch.nn.Linear',
  inputs: { x: tensor('float32', null, { description: 'Any shape [..., in]' }) },
  outputs: { y: tensor('float32', null) },
  params: {
    out: int({ default: 64, min: 1, description: 'Output features' }),
    bias: bool({ default: true, description: 'Add a learned bias' }),
  },
  infer: ({ inputs, params }) => {
    const x = inputs['x']!;
    if (x.length < 1) throw new NodeError('input must have at least one axis', { port: 'x' });
    return { y: [...x.slice(0, -1), params.out] };
  },
  weights: ({ inputs, params, need }) => {
    const fanIn = need(inputs['x']!.at(-1), 'the last axis of x');
    return {
      weight: { shape: [params.out, fanIn], init: { kind: 'uniform', bound: linearBound(fanIn) } },
      ...(params.bias ? { bias: { shape: [params.out], init: { kind: 'uniform', bound: linearBound(fanIn) } } } : {}),
    };
  },
  flops: ({ inputs, params, size }) => {
    const x = inputs['x']!;
    const rows = x.slice(0, -1).reduce<number>((a, d) => a * size(d), 1);
    return rows * params.out * (2 * size(x.at(-1)!) + (params.bias ? 1 : 0));
  },
  lower: ({ g, x, w }) => ({ y: linear(g, x['x']!, w['weight']!, w['bias']) }),
});
