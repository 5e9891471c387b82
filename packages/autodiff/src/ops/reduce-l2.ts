import { defineOp } from '../op.ts';
import { keptDims, reduceInfer } from './reduce.ts';
import { foldReduce } from './reduce-fold.ts';

/**
 * y = sqrt(sum x^2) over axes. dx = dy_kept x / y_kept. At y = 0 the norm has no derivative;
 * the rule gives 0 there, the subgradient torch.linalg.norm picks.
 */
export default defineOp({
  type: 'ReduceL2',
  infer: (ctx) => reduceInfer(ctx, false),
  fold: (ctx) => foldReduce(ctx, false, (xs) => Math.sqrt(xs.reduce((a, v) => a + v * v, 0))),
  grad: (ctx) => {
    const { g, x, y, attr, ints, scalar } = ctx;
    const { dy, axes, xShape } = keptDims(ctx, false);
    if (axes === 'noop') return [dy];
    const yKept = attr.int('keepdims', 1) === 1 ? y[0]! : g.op('Reshape', [y[0]!, ints(xShape.map((d, k) => (axes.includes(k) ? 1 : d)))]);
    const zero = scalar(0, x[0]!);
    const isZero = g.op('Equal', [yKept, zero]);
    const safe = g.op('Where', [isZero, scalar(1, x[0]!), yKept]);
    const scale = g.op('Where', [isZero, zero, g.op('Div', [dy, safe])]);
    return [g.op('Mul', [x[0]!, scale])];
  },
});
