import { broadcastShapes } from '../broadcast.ts';
import { defineOp } from '../op.ts';
import { input, known } from './util.ts';

/** y = x broadcast to shape (input 1). dx = sum_to(dy, x). */
export default defineOp({
  type: 'Expand',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const target = known(ctx, 1);
    if (!target) {
      const len = input(ctx, 1).shape[0];
      if (typeof len !== 'number') return ctx.fail('the target shape must have a known length');
      return [{ dtype: x.dtype, shape: new Array(Math.max(len, x.shape.length)).fill(null) }];
    }
    const shape = broadcastShapes([x.shape, target]);
    if (!shape) return ctx.fail(`cannot expand to [${target.join(', ')}]`);
    return [{ dtype: x.dtype, shape }];
  },
  grad: ({ x, dy, shape, unbroadcast }) => [unbroadcast(dy[0]!, shape(x[0]!)), undefined],
});
