import { onnxDataType } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { broadcastInfer, foldBroadcast, input } from './util.ts';

/**
 * y = a^b (broadcasting; the result has a's type).
 * da = sum_to(dy b a^(b-1), a), db = sum_to(dy y log a, b). log a is NaN for a <= 0, so db is
 * taken as 0 there (torch gives 0 at a = 0 with b > 0), which keeps x^2 with a constant b usable.
 */
export default defineOp({
  type: 'Pow',
  infer: (ctx) => [{ dtype: input(ctx, 0).dtype, shape: broadcastInfer(ctx)[0]!.shape }],
  fold: (ctx) => foldBroadcast(ctx, { dtype: input(ctx, 0).dtype, shape: broadcastInfer(ctx)[0]!.shape }, (a, b) => a ** b!),
  grad: ({ g, x, y, dy, need, type, shape, scalar, unbroadcast }) => {
    const [a, b] = [x[0]!, x[1]!];
    const dtype = type(a).dtype;
    const bf = type(b).dtype === dtype ? b : g.op('Cast', [b], { to: { kind: 'int', value: onnxDataType(dtype) } });
    let da: string | undefined;
    if (need[0]) {
      const aPowBm1 = g.op('Pow', [a, g.op('Sub', [bf, scalar(1, a)])]);
      da = unbroadcast(g.op('Mul', [dy[0]!, g.op('Mul', [bf, aPowBm1])]), shape(a));
    }
    let db: string | undefined;
    if (need[1]) {
      const zero = scalar(0, a);
      const positive = g.op('Greater', [a, zero]);
      const safeA = g.op('Where', [positive, a, scalar(1, a)]);
      const term = g.op('Where', [positive, g.op('Mul', [y[0]!, g.op('Log', [safeA])]), zero]);
      db = unbroadcast(g.op('Mul', [dy[0]!, term]), shape(b));
    }
    return [da, db];
  },
});

