import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = tanh x. dx = dy (1 - y^2). */
export default defineOp({
  type: 'Tanh',
  infer: sameAsInput,
  grad: ({ g, y, dy, scalar }) => [g.op('Mul', [dy[0]!, g.op('Sub', [scalar(1, y[0]!), g.op('Mul', [y[0]!, y[0]!])])])],
});
