import { defineOp } from '../op.ts';
import { foldBroadcast, sameAsInput } from './util.ts';

/** y = cos x (rotary position tables, cosine schedules). dx = -dy sin x. */
export default defineOp({
  type: 'Cos',
  infer: sameAsInput,
  fold: (ctx) => foldBroadcast(ctx, sameAsInput(ctx)[0]!, Math.cos),
  grad: ({ g, x, dy }) => [g.op('Neg', [g.op('Mul', [dy[0]!, g.op('Sin', [x[0]!])])])],
});
