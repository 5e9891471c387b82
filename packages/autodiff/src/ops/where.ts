import { defineOp } from '../op.ts';
import { broadcastInfer, foldBroadcast, input } from './util.ts';

/** y = c ? a : b. da = sum_to(c ? dy : 0, a), db = sum_to(c ? 0 : dy, b); c gets none. */
export default defineOp({
  type: 'Where',
  infer: (ctx) => {
    const out = broadcastInfer(ctx)[0]!;
    return [{ dtype: input(ctx, 1).dtype, shape: out.shape }];
  },
  fold: (ctx) => {
    const out = broadcastInfer(ctx)[0]!;
    return foldBroadcast(ctx, { dtype: input(ctx, 1).dtype, shape: out.shape }, (c, a, b) => (c ? a : b));
  },
  grad: ({ g, x, dy, need, shape, scalar, unbroadcast }) => {
    const zero = scalar(0, dy[0]!);
    return [
      undefined,
      need[1] ? unbroadcast(g.op('Where', [x[0]!, dy[0]!, zero]), shape(x[1]!)) : undefined,
      need[2] ? unbroadcast(g.op('Where', [x[0]!, zero, dy[0]!]), shape(x[2]!)) : undefined,
    ];
  },
});
