import { NodeError, bool, defineNode, int, linearBound, tensor } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import { linear } from '../lib/ops.ts';
import '../lib/lowering.ts';

/**
 * Maxout layer (Goodfellow et al. 2013) as Blocks' `LinearMaxout`: a linear map to k·out
 * values, then the largest of each group of k adjacent ones,
 *   u = x W^T + b  (W [out·k, in]),   y_j = max_{p < k} u_{j·k + p}.
 * Groups are adjacent columns, as Blocks' `Maxout` reshapes the last axis to [out, k]. The
 * weight is stored in PyTorch layout under `linear.weight` / `linear.bias`, the brick's
 * child names (Blocks keeps W as [in, out·k]: transpose it when converting).
 */
export default defineNode({
  type: 'layer.maxout',
  version: 1,
  category: 'layers',
  title: 'Maxout',
  doc:
    'A linear layer whose units each have k "pieces": it computes k·out values and keeps the largest of each group of k. ' +
    'The maximum of several linear functions is a learned, piecewise-linear activation; with k = 2 it can learn ReLU, absolute value and more. ' +
    'Used by the classifier of the gated multimodal unit paper (two maxout layers of 512 units, 2 pieces each).',
  formula: 'y_j = \\max_{p=1}^{k}\\, \\big(W x + b\\big)_{(j-1)k + p}',
  source: 'Goodfellow et al. 2013, Maxout Networks; Blocks LinearMaxout (used by johnarevalo/gmu-mmimdb)',
  inputs: { x: tensor('float32', null, { description: 'Any shape [..., in]' }) },
  outputs: { y: tensor('float32', null, { description: '[..., out]' }) },
  params: {
    out: int({ default: 64, min: 1, description: 'Output units' }),
    pieces: int({ default: 2, min: 1, description: 'Pieces k per unit (linear functions maxed over)' }),
    bias: bool({ default: true, description: 'Add a learned bias to the k·out linear outputs' }),
  },
  infer: ({ inputs, params }) => {
    const x = inputs['x']!;
    if (x.length < 1) throw new NodeError('input "x" must have at least one axis (its features)', { port: 'x' });
    return { y: [...x.slice(0, -1), params.out] };
  },
  weights: ({ inputs, params, need }) => {
    const fanIn = need(inputs['x']!.at(-1), 'the last axis of x');
    const rows = params.out * params.pieces;
    const bound = linearBound(fanIn);
    return {
      'linear.weight': { shape: [rows, fanIn], init: { kind: 'uniform', bound } },
      ...(params.bias ? { 'linear.bias': { shape: [rows], init: { kind: 'uniform', bound } } } : {}),
    };
  },
  flops: ({ inputs, params, size }) => {
    const x = inputs['x']!;
    const n = x.slice(0, -1).reduce<number>((a, d) => a * size(d), 1);
    const rows = params.out * params.pieces;
    return n * (rows * (2 * size(x.at(-1)!) + (params.bias ? 1 : 0)) + rows);
  },
  lower: ({ g, x, w, params, inputs }) => {
    const u = linear(g, x['x']!, w['linear.weight']!, w['linear.bias']);
    // Reshape [..., out·k] to [..., out, k]: 0 keeps each leading axis as it is.
    const lead = inputs['x']!.length - 1;
    const split = g.op('Reshape', [u, g.constInt64([...new Array<number>(lead).fill(0), params.out, params.pieces])]);
    return { y: g.op('ReduceMax', [split], { axes: ints([-1]), keepdims: i(0) }) };
  },
});
