import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = sqrt x. dx = dy / (2 y). */
export default defineOp({
  type: 'Sqrt',
  infer: sameAsInput,
  grad: ({ g, y, dy, scalar }) => [g.op('Div', [dy[0]!, g.op('Mul', [y[0]!, scalar(2, y[0]!)])])],
});
