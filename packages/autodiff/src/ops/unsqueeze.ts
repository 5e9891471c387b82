import type { Dim } from '@modalflow/onnx';
import { normAxis } from '../broadcast.ts';
import { defineOp } from '../op.ts';
import { input, known } from './util.ts';

/** y = x with size-1 axes inserted at `axes` (input 1). dx = reshape(dy, shape(x)). */
export default defineOp({
  type: 'Unsqueeze',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const axes = known(ctx, 1);
    if (!axes) return ctx.fail('axes must be a constant');
    const rank = x.shape.length + axes.length;
    const at = new Set(axes.map((a) => normAxis(a, rank)));
    const shape: Dim[] = [];
    let j = 0;
    for (let k = 0; k < rank; k++) shape.push(at.has(k) ? 1 : x.shape[j++]!);
    return [{ dtype: x.dtype, shape }];
  },
  fold: (ctx) => {
    const v = ctx.values[0];
    const axes = known(ctx, 1);
    if (!v || !axes) return undefined;
    const rank = v.dims.length + axes.length;
    const at = new Set(axes.map((a) => normAxis(a, rank)));
    const dims: number[] = [];
    let j = 0;
    for (let k = 0; k < rank; k++) dims.push(at.has(k) ? 1 : v.dims[j++]!);
    return [{ dtype: v.dtype, dims, data: v.data }];
  },
  grad: ({ g, x, dy, ints, shape }) => [g.op('Reshape', [dy[0]!, ints(shape(x[0]!))])],
});
