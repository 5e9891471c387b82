import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = 1 / x. dx = -dy y^2. */
export default defineOp({
  type: 'Reciprocal',
  infer: sameAsInput,
  grad: ({ g, y, dy }) => [g.op('Neg', [g.op('Mul', [dy[0]!, g.op('Mul', [y[0]!, y[0]!])])])],
});
