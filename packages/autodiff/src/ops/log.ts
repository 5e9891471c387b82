import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = ln x. dx = dy / x. */
export default defineOp({
  type: 'Log',
  infer: sameAsInput,
  grad: ({ g, x, dy }) => [g.op('Div', [dy[0]!, x[0]!])],
});
