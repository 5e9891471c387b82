import { defineOp } from '../op.ts';
import { keptDims, reduceInfer } from './reduce.ts';

/** y = mean of x over axes (n values each). dx = dy / n broadcast back over the reduced axes. */
export default defineOp({
  type: 'ReduceMean',
  infer: (ctx) => reduceInfer(ctx, false),
  grad: (ctx) => {
    const { dy, axes, xShape } = keptDims(ctx, false);
    const n = axes === 'noop' ? 1 : axes.reduce((a, k) => a * xShape[k]!, 1);
    return [ctx.g.op('Expand', [ctx.g.op('Div', [dy, ctx.scalar(n, ctx.x[0]!)]), ctx.ints(xShape)])];
  },
});
