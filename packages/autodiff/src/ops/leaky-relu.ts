import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = x for x > 0, alpha x otherwise. dx = dy where x > 0, alpha dy otherwise (torch's choice at 0). */
export default defineOp({
  type: 'LeakyRelu',
  infer: sameAsInput,
  grad: ({ g, x, dy, attr, scalar }) => {
    const alpha = attr.float('alpha', 0.01);
    const slope = g.op('Where', [g.op('Greater', [x[0]!, scalar(0, x[0]!)]), scalar(1, x[0]!), scalar(alpha, x[0]!)]);
    return [g.op('Mul', [dy[0]!, slope])];
  },
});
