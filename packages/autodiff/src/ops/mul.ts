import { defineOp } from '../op.ts';
import { broadcastInfer, foldBroadcast } from './util.ts';

/** y = a * b. da = sum_to(dy * b, a), db = sum_to(dy * a, b). */
export default defineOp({
  type: 'Mul',
  infer: (ctx) => broadcastInfer(ctx),
  fold: (ctx) => foldBroadcast(ctx, broadcastInfer(ctx)[0]!, (a, b) => a * b),
  grad: ({ g, x, dy, need, shape, unbroadcast }) => [
    need[0] ? unbroadcast(g.op('Mul', [dy[0]!, x[1]!]), shape(x[0]!)) : undefined,
    need[1] ? unbroadcast(g.op('Mul', [dy[0]!, x[0]!]), shape(x[1]!)) : undefined,
  ],
});
