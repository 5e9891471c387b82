import { defineOp } from '../op.ts';
import { keptDims, reduceInfer } from './reduce.ts';

/** y = sum of x over axes. dx = dy broadcast back over the reduced axes. */
export default defineOp({
  type: 'ReduceSum',
  infer: (ctx) => reduceInfer(ctx, true),
  grad: (ctx) => {
    const { dy, xShape } = keptDims(ctx, true);
    return [ctx.g.op('Expand', [dy, ctx.ints(xShape)])];
  },
});
