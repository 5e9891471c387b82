import { defineNode, tensor } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import '../lib/lowering.ts';

const MASK_DTYPES = ['float32', 'float16', 'int64', 'int32', 'int8', 'uint8', 'bool'] as const;

/**
 * Masked max over the sequence: h_bd = max_{t : m_bt != 0} x_btd. Masked positions are
 * replaced by -inf before the max, so they never win even when every real value is very
 * negative; a row with no real token gives 0.
 */
export default defineNode({
  type: 'pool.max',
  version: 1,
  category: 'pooling',
  title: 'Max pooling',
  doc: 'Takes, for each feature, the largest value over the tokens of a sequence. With a mask (1 = real token, 0 = padding) padding positions are ignored: they can never be the maximum. A row whose tokens are all padding gives zeros.',
  formula: 'h_{bd} = \\max_{t:\\ m_{bt} \\neq 0} x_{btd}',
  source: 'sentence-transformers Pooling (pooling_mode_max_tokens); InferSent max pooling (Conneau et al. 2017)',
  inputs: {
    x: tensor('float32', ['B', 'T', 'D'], { description: 'Token states [B, T, D]' }),
    mask: tensor(MASK_DTYPES, ['B', 'T'], { optional: true, description: 'Keep-mask [B, T]: nonzero keeps a token' }),
  },
  outputs: { pooled: tensor('float32', ['B', 'D'], { description: 'Max vector per example [B, D]' }) },
  flops: ({ inputs, size }) => inputs['x']!.map(size).reduce((a, v) => a * v, 1),
  lower: ({ g, x }) => {
    if (!x['mask']) return { pooled: g.op('ReduceMax', [x['x']!], { axes: ints([1]), keepdims: i(0) }) };
    // Cast to bool maps every nonzero value to true, whatever the mask's dtype.
    const keep = g.op('Unsqueeze', [g.op('Cast', [x['mask']], { to: i(9) }), g.constInt64([2])]); // [B, T, 1]
    const hidden = g.op('Where', [keep, x['x']!, g.scalarFloat(-Infinity)]);
    const max = g.op('ReduceMax', [hidden], { axes: ints([1]), keepdims: i(0) });
    const any = g.op('ReduceMax', [g.op('Cast', [keep], { to: i(1) })], { axes: ints([1]), keepdims: i(0) }); // [B, 1]
    return { pooled: g.op('Where', [g.op('Cast', [any], { to: i(9) }), max, g.scalarFloat(0)]) };
  },
});
