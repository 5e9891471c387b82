import { defineOp } from '../op.ts';
import { keptDims, reduceInfer } from './reduce.ts';
import { foldReduce } from './reduce-fold.ts';

/**
 * y = product of x over axes; it folds, for numel-style shape arithmetic.
 * dx = dy_kept y_kept / x: exact wherever x != 0. At a zero entry the derivative is the product
 * of the other entries, which needs an exclusive cumulative product that ONNX lacks; there the
 * rule gives inf or NaN rather than a silently wrong finite value.
 */
export default defineOp({
  type: 'ReduceProd',
  infer: (ctx) => reduceInfer(ctx, false),
  fold: (ctx) => foldReduce(ctx, false, (xs) => xs.reduce((a, v) => a * v, 1)),
  grad: (ctx) => {
    const { g, x, y, attr, ints } = ctx;
    const { dy, axes, xShape } = keptDims(ctx, false);
    if (axes === 'noop') return [dy];
    const yKept = attr.int('keepdims', 1) === 1 ? y[0]! : g.op('Reshape', [y[0]!, ints(xShape.map((d, k) => (axes.includes(k) ? 1 : d)))]);
    return [g.op('Div', [g.op('Mul', [dy, yKept]), x[0]!])];
  },
});
