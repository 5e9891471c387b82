import { defineOp } from '../op.ts';
import { foldBroadcast, sameAsInput } from './util.ts';

/** Logical not: boolean, so no gradient. */
export default defineOp({
  type: 'Not',
  differentiable: false,
  infer: sameAsInput,
  fold: (ctx) => foldBroadcast(ctx, sameAsInput(ctx)[0]!, (a) => (a ? 0 : 1)),
});
