import { defineOp } from '../op.ts';
import { foldBroadcast, sameAsInput } from './util.ts';

/** y = -x. dx = -dy. */
export default defineOp({
  type: 'Neg',
  infer: sameAsInput,
  fold: (ctx) => foldBroadcast(ctx, sameAsInput(ctx)[0]!, (a) => -a),
  grad: ({ g, dy }) => [g.op('Neg', [dy[0]!])],
});
