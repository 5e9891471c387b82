import { defineOp } from '../op.ts';
import { broadcastInfer, foldBroadcast } from './util.ts';

/** y = a - b. da = sum_to(dy, a), db = -sum_to(dy, b). */
export default defineOp({
  type: 'Sub',
  infer: (ctx) => broadcastInfer(ctx),
  fold: (ctx) => foldBroadcast(ctx, broadcastInfer(ctx)[0]!, (a, b) => a - b),
  grad: ({ g, x, dy, need, shape, unbroadcast }) => [
    need[0] ? unbroadcast(dy[0]!, shape(x[0]!)) : undefined,
    need[1] ? g.op('Neg', [unbroadcast(dy[0]!, shape(x[1]!))]) : undefined,
  ],
});
