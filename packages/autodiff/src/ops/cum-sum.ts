import { defineOp } from '../op.ts';
import { constTensor, input, known, numbers, sameAsInput, strides } from './util.ts';

/**
 * y_j = sum of x_i for i <= j along axis (i < j when exclusive; reversed, i >= j / i > j).
 * x_i reaches exactly the y_j of the opposite direction with the same exclusivity, so
 *   dx = CumSum(dy, axis) with `reverse` flipped and `exclusive` kept.
 */
export default defineOp({
  type: 'CumSum',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const axis = input(ctx, 1);
    if (axis.shape.length > 1 || (axis.shape.length === 1 && axis.shape[0] !== 1)) return ctx.fail('axis must be a scalar');
    if (x.shape.length === 0) return ctx.fail('input must have rank 1 or more');
    return sameAsInput(ctx);
  },
  fold: (ctx) => {
    const x = ctx.values[0];
    const a = known(ctx, 1);
    if (!x || !a) return undefined;
    const rank = x.dims.length;
    const axis = a[0]! < 0 ? a[0]! + rank : a[0]!;
    const reverse = ctx.attr.int('reverse', 0) === 1;
    const exclusive = ctx.attr.int('exclusive', 0) === 1;
    const data = numbers(x);
    const n = x.dims[axis]!;
    const step = strides(x.dims)[axis]!;
    const out = new Array<number>(data.length).fill(0);
    for (let base = 0; base < data.length; base++) {
      if (Math.floor(base / step) % n !== 0) continue;
      let acc = 0;
      for (let t = 0; t < n; t++) {
        const j = reverse ? n - 1 - t : t;
        const at = base + j * step;
        if (exclusive) {
          out[at] = acc;
          acc += data[at]!;
        } else {
          acc += data[at]!;
          out[at] = acc;
        }
      }
    }
    return [constTensor(x.dtype, [...x.dims], out)];
  },
  grad: ({ g, x, dy, attr }) => [
    g.op('CumSum', [dy[0]!, x[1]!], {
      reverse: { kind: 'int', value: attr.int('reverse', 0) === 1 ? 0 : 1 },
      exclusive: { kind: 'int', value: attr.int('exclusive', 0) },
    }),
    undefined,
  ],
});
