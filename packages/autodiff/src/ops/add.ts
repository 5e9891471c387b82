import { defineOp } from '../op.ts';
import { broadcastInfer, foldBroadcast } from './util.ts';

/** y = a + b (broadcasting). da = sum_to(dy, a), db = sum_to(dy, b). */
export default defineOp({
  type: 'Add',
  infer: (ctx) => broadcastInfer(ctx),
  fold: (ctx) => foldBroadcast(ctx, broadcastInfer(ctx)[0]!, (a, b) => a + b),
  grad: ({ x, dy, need, shape, unbroadcast }) => [
    need[0] ? unbroadcast(dy[0]!, shape(x[0]!)) : undefined,
    need[1] ? unbroadcast(dy[0]!, shape(x[1]!)) : undefined,
  ],
});
