import { defineOp } from '../op.ts';
import { constTensor, known, numbers } from './util.ts';

/** A tensor of the shape given by input 0, filled with `value` (float 0 by default). */
export default defineOp({
  type: 'ConstantOfShape',
  differentiable: false,
  infer: (ctx) => {
    const value = ctx.attr.tensor('value');
    const dims = known(ctx, 0);
    const len = ctx.inputs[0]?.shape[0];
    return [{ dtype: value?.dtype ?? 'float32', shape: dims ?? new Array(typeof len === 'number' ? len : 0).fill(null) }];
  },
  fold: (ctx) => {
    const dims = known(ctx, 0);
    if (!dims) return undefined;
    const value = ctx.attr.tensor('value');
    const v = value ? numbers(value)[0]! : 0;
    return [constTensor(value?.dtype ?? 'float32', dims, new Array(dims.reduce((a, b) => a * b, 1)).fill(v))];
  },
});
