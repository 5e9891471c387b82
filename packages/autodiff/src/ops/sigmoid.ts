import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = 1 / (1 + e^-x). dx = dy y (1 - y). */
export default defineOp({
  type: 'Sigmoid',
  infer: sameAsInput,
  grad: ({ g, y, dy, scalar }) => [g.op('Mul', [g.op('Mul', [dy[0]!, y[0]!]), g.op('Sub', [scalar(1, y[0]!), y[0]!])])],
});
