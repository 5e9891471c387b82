import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = max(x, 0). dx = dy where x > 0, else 0 (PyTorch's choice at x = 0). */
export default defineOp({
  type: 'Relu',
  infer: sameAsInput,
  grad: ({ g, x, dy, scalar }) => {
    const zero = scalar(0, x[0]!);
    return [g.op('Where', [g.op('Greater', [x[0]!, zero]), dy[0]!, zero])];
  },
});
