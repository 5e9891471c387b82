import type { Dim } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { input } from './util.ts';

/** y = x as 2-D [prod(d_0..d_axis-1), prod(d_axis..)]. A reshape, so dx = reshape(dy, shape(x)). */
export default defineOp({
  type: 'Flatten',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const rank = x.shape.length;
    const a = ctx.attr.int('axis', 1);
    const axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis > rank) return ctx.fail(`axis ${a} is out of range for rank ${rank}`);
    const prod = (ds: Dim[]): Dim => (ds.every((d) => typeof d === 'number') ? (ds as number[]).reduce((p, d) => p * d, 1) : ds.length === 1 ? ds[0]! : null);
    return [{ dtype: x.dtype, shape: [prod(x.shape.slice(0, axis)), prod(x.shape.slice(axis))] }];
  },
  fold: (ctx) => {
    const x = ctx.values[0];
    if (!x) return undefined;
    const rank = x.dims.length;
    const a = ctx.attr.int('axis', 1);
    const axis = a < 0 ? a + rank : a;
    const prod = (ds: number[]) => ds.reduce((p, d) => p * d, 1);
    return [{ dtype: x.dtype, dims: [prod(x.dims.slice(0, axis)), prod(x.dims.slice(axis))], data: x.data }];
  },
  grad: ({ g, x, dy, shape, ints }) => [g.op('Reshape', [dy[0]!, ints(shape(x[0]!))])],
});
