import { onnxDataType } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { input } from './util.ts';

/**
 * Dropout. In inference form (what exports with model.eval() contain, training_mode absent or
 * false) y = x and the optional mask is all true, so dx = dy. In training form y = x m / (1 - r)
 * with a random mask m, so dx = dy m / (1 - r); the mask cannot be re-sampled, so that case
 * needs the node's mask output.
 */
export default defineOp({
  type: 'Dropout',
  infer: (ctx) => {
    const x = input(ctx, 0);
    return [{ dtype: x.dtype, shape: [...x.shape] }, { dtype: 'bool', shape: [...x.shape] }];
  },
  grad: ({ g, x, y, dy, value, type, scalar, fail }) => {
    const training = x[2] ? value(x[2]) : undefined;
    if (x[2] && !training) return fail('training_mode must be a constant');
    if (!training || Number((training.data as ArrayLike<number>)[0]) === 0) return [dy[0]!, undefined, undefined];
    const ratioValue = x[1] ? value(x[1]) : undefined;
    if (x[1] && !ratioValue) return fail('ratio must be a constant');
    const ratio = ratioValue ? Number((ratioValue.data as ArrayLike<number>)[0]) : 0.5;
    if (!y[1]) return fail('training-mode Dropout is differentiated through its mask output, which this node does not produce');
    const mask = g.op('Cast', [y[1]], { to: { kind: 'int', value: onnxDataType(type(x[0]!).dtype) } });
    return [g.op('Mul', [g.op('Mul', [dy[0]!, mask]), scalar(1 / (1 - ratio), x[0]!)]), undefined, undefined];
  },
});
