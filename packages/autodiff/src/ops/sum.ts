import { defineOp } from '../op.ts';
import { broadcastInfer, foldBroadcast } from './util.ts';

/** y = x_1 + ... + x_n (broadcasting). dx_k = sum_to(dy, x_k). */
export default defineOp({
  type: 'Sum',
  infer: (ctx) => broadcastInfer(ctx),
  fold: (ctx) => foldBroadcast(ctx, broadcastInfer(ctx)[0]!, (...xs) => xs.reduce((a, b) => a + b, 0)),
  grad: ({ x, dy, need, shape, unbroadcast }) => x.map((v, k) => (need[k] ? unbroadcast(dy[0]!, shape(v)) : undefined)),
});
