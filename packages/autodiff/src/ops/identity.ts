import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = x. dx = dy. */
export default defineOp({
  type: 'Identity',
  infer: sameAsInput,
  fold: (ctx) => (ctx.values[0] ? [ctx.values[0]] : undefined),
  grad: ({ dy }) => [dy[0]],
});
