import { defineOp } from '../op.ts';
import { broadcastInfer, foldBroadcast } from './util.ts';

/** y = a / b. da = sum_to(dy / b, a), db = -sum_to(dy * y / b, b). */
export default defineOp({
  type: 'Div',
  infer: (ctx) => broadcastInfer(ctx),
  fold: (ctx) => {
    const out = broadcastInfer(ctx)[0]!;
    const int = out.dtype === 'int64' || out.dtype === 'int32';
    return foldBroadcast(ctx, out, (a, b) => (int ? Math.trunc(a / b) : a / b));
  },
  grad: ({ g, x, y, dy, need, shape, unbroadcast }) => [
    need[0] ? unbroadcast(g.op('Div', [dy[0]!, x[1]!]), shape(x[0]!)) : undefined,
    need[1] ? g.op('Neg', [unbroadcast(g.op('Div', [g.op('Mul', [dy[0]!, y[0]!]), x[1]!]), shape(x[1]!))]) : undefined,
  ],
});
