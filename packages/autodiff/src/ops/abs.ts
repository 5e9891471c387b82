import { defineOp } from '../op.ts';
import { foldBroadcast, sameAsInput } from './util.ts';

/** y = |x|. dx = dy sign(x) (0 at x = 0, as torch.abs). */
export default defineOp({
  type: 'Abs',
  infer: sameAsInput,
  fold: (ctx) => foldBroadcast(ctx, sameAsInput(ctx)[0]!, Math.abs),
  grad: ({ g, x, dy }) => [g.op('Mul', [dy[0]!, g.op('Sign', [x[0]!])])],
});
