import { defineOp } from '../op.ts';
import { input } from './util.ts';

/** y = x with axes permuted by perm (reversed by default). dx = dy permuted by perm^-1. */
export default defineOp({
  type: 'Transpose',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const perm = ctx.attr.ints('perm', x.shape.map((_, k) => x.shape.length - 1 - k));
    if (perm.length !== x.shape.length) return ctx.fail(`perm has ${perm.length} axes, the input ${x.shape.length}`);
    return [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) }];
  },
  grad: ({ g, x, dy, attr, shape }) => {
    const rank = shape(x[0]!).length;
    const perm = attr.ints('perm', Array.from({ length: rank }, (_, k) => rank - 1 - k));
    const inverse = new Array<number>(rank);
    perm.forEach((p, k) => (inverse[p] = k));
    return [g.op('Transpose', [dy[0]!], { perm: { kind: 'ints', value: inverse } })];
  },
});
