import { defineNode, tensor } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import '../lib/lowering.ts';

const MASK_DTYPES = ['float32', 'float16', 'int64', 'int32', 'int8', 'uint8', 'bool'] as const;

/**
 * Masked mean over the sequence: h_b = sum_t m_bt x_bt / max(sum_t m_bt, 1e-9). Without a mask,
 * the plain mean over T. The clamp (from sentence-transformers) makes an all-padding row 0.
 */
export default defineNode({
  type: 'pool.mean',
  version: 1,
  category: 'pooling',
  title: 'Mean pooling',
  doc: 'Averages the token vectors of each sequence into one vector. With a mask (1 = real token, 0 = padding), padding positions are left out of the average, so the result does not depend on how much padding a row has. Mask values other than 0 and 1 act as weights.',
  formula: 'h_b = \\frac{\\sum_t m_{bt}\\, x_{bt}}{\\max(\\sum_t m_{bt},\\ 10^{-9})}',
  source: 'sentence-transformers Pooling (pooling_mode_mean_tokens)',
  inputs: {
    x: tensor('float32', ['B', 'T', 'D'], { description: 'Token states [B, T, D]' }),
    mask: tensor(MASK_DTYPES, ['B', 'T'], { optional: true, description: 'Keep-mask [B, T]: 1 keeps a token, 0 drops it' }),
  },
  outputs: { pooled: tensor('float32', ['B', 'D'], { description: 'Mean vector per example [B, D]' }) },
  flops: ({ inputs, size }) => {
    const [b, t, d] = inputs['x']!.map(size) as [number, number, number];
    return b * t * d * (inputs['mask'] ? 2 : 1) + b * d;
  },
  lower: ({ g, x }) => {
    if (!x['mask']) return { pooled: g.op('ReduceMean', [x['x']!], { axes: ints([1]), keepdims: i(0) }) };
    const m = g.op('Unsqueeze', [g.op('Cast', [x['mask']], { to: i(1) }), g.constInt64([2])]); // [B, T, 1]
    const sum = g.op('ReduceSum', [g.op('Mul', [x['x']!, m]), g.constInt64([1])], { keepdims: i(0) });
    const count = g.op('ReduceSum', [m, g.constInt64([1])], { keepdims: i(0) }); // [B, 1]
    return { pooled: g.op('Div', [sum, g.op('Max', [count, g.scalarFloat(1e-9)])]) };
  },
});
