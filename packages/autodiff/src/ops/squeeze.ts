import { normAxis } from '../broadcast.ts';
import { defineOp } from '../op.ts';
import { input, known } from './util.ts';

/** y = x without the size-1 axes `axes` (input 1; all size-1 axes when absent). dx = reshape(dy, shape(x)). */
export default defineOp({
  type: 'Squeeze',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const given = ctx.node.inputs[1] ? known(ctx, 1) : undefined;
    if (ctx.node.inputs[1] && !given) return ctx.fail('axes must be a constant');
    const drop = new Set(given ? given.map((a) => normAxis(a, x.shape.length)) : x.shape.flatMap((d, k) => (d === 1 ? [k] : [])));
    return [{ dtype: x.dtype, shape: x.shape.filter((_, k) => !drop.has(k)) }];
  },
  fold: (ctx) => {
    const v = ctx.values[0];
    if (!v) return undefined;
    const given = ctx.node.inputs[1] ? known(ctx, 1) : undefined;
    const drop = new Set(given ? given.map((a) => normAxis(a, v.dims.length)) : v.dims.flatMap((d, k) => (d === 1 ? [k] : [])));
    return [{ dtype: v.dtype, dims: v.dims.filter((_, k) => !drop.has(k)), data: v.data }];
  },
  grad: ({ g, x, dy, ints, shape }) => [g.op('Reshape', [dy[0]!, ints(shape(x[0]!))])],
});
