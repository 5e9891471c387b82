import { dtypeFromOnnx, onnxDataType } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { isFloat } from '../types.ts';
import { constTensor, input, numbers } from './util.ts';

/** y = x as another element type. Between float types dx = dy cast back; to or from integers, none. */
export default defineOp({
  type: 'Cast',
  infer: (ctx) => {
    const to = dtypeFromOnnx(ctx.attr.int('to'));
    if (!to) return ctx.fail(`cast to element type ${ctx.attr.int('to')} is not supported`);
    return [{ dtype: to, shape: [...input(ctx, 0).shape] }];
  },
  fold: (ctx) => {
    const v = ctx.values[0];
    const to = dtypeFromOnnx(ctx.attr.int('to'));
    if (!v || !to || to === 'string' || v.dtype === 'string' || to === 'float16') return undefined;
    const xs = numbers(v);
    return [constTensor(to, [...v.dims], to === 'int64' || to === 'int32' ? xs.map(Math.trunc) : to === 'bool' ? xs.map((a) => (a ? 1 : 0)) : xs)];
  },
  grad: ({ g, x, dy, type }) => {
    const from = type(x[0]!).dtype;
    if (!isFloat(from) || !isFloat(type(dy[0]!).dtype)) return [undefined];
    return [from === type(dy[0]!).dtype ? dy[0] : g.op('Cast', [dy[0]!], { to: { kind: 'int', value: onnxDataType(from) } })];
  },
});
