import { numel } from '@modalflow/core';
import { defineOp } from '../op.ts';
import { constTensor, input, known, numbers, strides } from './util.ts';

/**
 * y = x repeated r_k times along each axis k: y[j] = x[j mod d] per axis. Viewing y as
 * [r_0, d_0, r_1, d_1, ...], every copy of x is one choice of the r indices, so
 *   dx = sum over the r axes of reshape(dy, [r_0, d_0, r_1, d_1, ...]).
 */
export default defineOp({
  type: 'Tile',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const reps = known(ctx, 1);
    if (!reps) return [{ dtype: x.dtype, shape: x.shape.map(() => null) }];
    if (reps.length !== x.shape.length) return ctx.fail(`repeats has ${reps.length} entries for rank ${x.shape.length}`);
    return [{ dtype: x.dtype, shape: x.shape.map((d, k) => (reps[k] === 1 ? d : typeof d === 'number' ? d * reps[k]! : null)) }];
  },
  fold: (ctx) => {
    const x = ctx.values[0];
    const reps = known(ctx, 1);
    if (!x || !reps) return undefined;
    const data = numbers(x);
    const dims = x.dims.map((d, k) => d * reps[k]!);
    const inS = strides(x.dims);
    const outS = strides(dims);
    const out = Array.from({ length: numel(dims) }, (_, flat) => {
      let off = 0;
      for (let k = 0; k < dims.length; k++) off += ((Math.floor(flat / outS[k]!) % dims[k]!) % x.dims[k]!) * inS[k]!;
      return data[off]!;
    });
    return [constTensor(x.dtype, dims, out)];
  },
  grad: ({ g, x, dy, shape, value, ints, fail }) => {
    const rv = value(x[1]!);
    if (!rv) return fail('repeats must be a constant');
    const reps = numbers(rv);
    const xs = shape(x[0]!);
    if (reps.every((r) => r === 1)) return [dy[0], undefined];
    const split = g.op('Reshape', [dy[0]!, ints(xs.flatMap((d, k) => [reps[k]!, d]))]);
    const summed = g.op('ReduceSum', [split, ints(xs.map((_, k) => 2 * k))], { keepdims: { kind: 'int', value: 0 } });
    return [summed, undefined];
  },
});
