import { dtypeFromOnnx } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { constTensor, input } from './util.ts';

/** y = ones on diagonal k of a 2-D shape like x, zeros elsewhere: constant in x, so no gradient. */
export default defineOp({
  type: 'EyeLike',
  differentiable: false,
  infer: (ctx) => {
    const x = input(ctx, 0);
    if (x.shape.length !== 2) return ctx.fail('input must be 2-D');
    const dtype = ctx.attr.has('dtype') ? dtypeFromOnnx(ctx.attr.int('dtype')) : x.dtype;
    if (!dtype) return ctx.fail(`element type ${ctx.attr.int('dtype')} is not supported`);
    return [{ dtype, shape: [...x.shape] }];
  },
  fold: (ctx) => {
    const x = input(ctx, 0);
    const [rows, cols] = x.shape as [number, number];
    const dtype = ctx.attr.has('dtype') ? dtypeFromOnnx(ctx.attr.int('dtype'))! : x.dtype;
    if (dtype === 'string' || dtype === 'float16') return undefined;
    const k = ctx.attr.int('k', 0);
    const data = Array.from({ length: rows * cols }, (_, f) => (f % cols) - Math.floor(f / cols) === k ? 1 : 0);
    return [constTensor(dtype, [rows, cols], data)];
  },
});
