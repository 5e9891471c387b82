import { defineOp } from '../op.ts';
import { constTensor, input, known } from './util.ts';

/**
 * y = the upper (or lower) triangle of the last two axes of x, above (below) diagonal k; the
 * rest zero. A linear mask, so dx = the same triangle of dy.
 */
export default defineOp({
  type: 'Trilu',
  infer: (ctx) => {
    const x = input(ctx, 0);
    if (x.shape.length < 2) return ctx.fail('input must have rank 2 or more');
    if (ctx.inputs[1] && ctx.inputs[1].shape.length !== 0) return ctx.fail('k must be a scalar');
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  fold: (ctx) => {
    const x = ctx.values[0];
    if (!x || (ctx.inputs[1] && !ctx.values[1])) return undefined;
    const k = ctx.inputs[1] ? known(ctx, 1)![0]! : 0;
    const upper = ctx.attr.int('upper', 1) === 1;
    const [rows, cols] = x.dims.slice(-2) as [number, number];
    const data = Array.from(x.data as ArrayLike<number | bigint>, Number).map((v, flat) => {
      const c = flat % cols;
      const r = Math.floor(flat / cols) % rows;
      return (upper ? c - r >= k : c - r <= k) ? v : 0;
    });
    return [constTensor(x.dtype, [...x.dims], data)];
  },
  grad: ({ g, x, dy, attr }) => {
    const inputs = x[1] ? [dy[0]!, x[1]] : [dy[0]!];
    return [g.op('Trilu', inputs, { upper: { kind: 'int', value: attr.int('upper', 1) } }), undefined];
  },
});
