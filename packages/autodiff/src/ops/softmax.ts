import { defineOp } from '../op.ts';
import { sameAsInput } from './util.ts';

/** y = softmax(x) along axis (opset 13+: one axis). dx = y (dy - sum(dy y, axis)). */
export default defineOp({
  type: 'Softmax',
  infer: sameAsInput,
  grad: ({ g, y, dy, attr, ints }) => {
    const axis = attr.int('axis', -1);
    const dot = g.op('ReduceSum', [g.op('Mul', [dy[0]!, y[0]!]), ints([axis])], { keepdims: { kind: 'int', value: 1 } });
    return [g.op('Mul', [y[0]!, g.op('Sub', [dy[0]!, dot])])];
  },
});
