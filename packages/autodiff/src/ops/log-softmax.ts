import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = log softmax(x) along axis. dx = dy - e^y sum(dy, axis). */
export default defineOp({
  type: 'LogSoftmax',
  infer: sameAsInput,
  grad: ({ g, y, dy, attr, ints }) => {
    const axis = attr.int('axis', -1);
    const total = g.op('ReduceSum', [dy[0]!, ints([axis])], { keepdims: { kind: 'int', value: 1 } });
    return [g.op('Sub', [dy[0]!, g.op('Mul', [g.op('Exp', [y[0]!]), total])])];
  },
});
