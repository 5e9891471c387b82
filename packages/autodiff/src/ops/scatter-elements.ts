import { defineOp } from '../op.ts';
import { axisOf, input } from './util.ts';

/**
 * y = data with updates written (or combined by `reduction`) at data[.. idx[..i..] ..] along
 * axis. Emitted by the rules of GatherElements and TopK; as a forward op it is not differentiated.
 */
export default defineOp({
  type: 'ScatterElements',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const idx = input(ctx, 1);
    const upd = input(ctx, 2);
    if (idx.shape.length !== x.shape.length || upd.shape.length !== x.shape.length) return ctx.fail('data, indices and updates differ in rank');
    axisOf(ctx, x.shape.length);
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
});
