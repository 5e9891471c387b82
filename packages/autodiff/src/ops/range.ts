import { defineOp } from '../op.ts';
import { constTensor, input, known } from './util.ts';

/**
 * y = [start, start + delta, ...) up to limit: max(ceil((limit - start) / delta), 0) entries.
 * Used for positions and index arithmetic, so it folds; its inputs are scalars that a
 * gradient cannot meaningfully move (the length is piecewise constant), so none flows.
 */
export default defineOp({
  type: 'Range',
  differentiable: false,
  infer: (ctx) => {
    const t = input(ctx, 0);
    for (const k of [0, 1, 2]) if (input(ctx, k).shape.length !== 0) return ctx.fail(`input ${k} must be a scalar`);
    const [s, l, d] = [known(ctx, 0), known(ctx, 1), known(ctx, 2)];
    if (!s || !l || !d) return [{ dtype: t.dtype, shape: [null] }];
    if (d[0] === 0) return ctx.fail('delta must not be 0');
    return [{ dtype: t.dtype, shape: [Math.max(Math.ceil((l[0]! - s[0]!) / d[0]!), 0)] }];
  },
  fold: (ctx) => {
    const [s, l, d] = [known(ctx, 0), known(ctx, 1), known(ctx, 2)];
    if (!s || !l || !d) return undefined;
    const n = Math.max(Math.ceil((l[0]! - s[0]!) / d[0]!), 0);
    return [constTensor(input(ctx, 0).dtype, [n], Array.from({ length: n }, (_, k) => s[0]! + k * d[0]!))];
  },
});
