import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = e^x. dx = dy y. */
export default defineOp({
  type: 'Exp',
  infer: sameAsInput,
  grad: ({ g, y, dy }) => [g.op('Mul', [dy[0]!, y[0]!])],
});
