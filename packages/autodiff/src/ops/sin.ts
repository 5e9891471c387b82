import { defineOp } from '../op.ts';
import { foldBroadcast, sameAsInput } from './util.ts';

/** y = sin x (rotary position tables). dx = dy cos x. */
export default defineOp({
  type: 'Sin',
  infer: sameAsInput,
  fold: (ctx) => foldBroadcast(ctx, sameAsInput(ctx)[0]!, Math.sin),
  grad: ({ g, x, dy }) => [g.op('Mul', [dy[0]!, g.op('Cos', [x[0]!])])],
});
