import { defineOp } from '../op.ts';
import { constTensor, input, numbers, sameAsInput } from './util.ts';

/**
 * y = min(max(x, lo), hi) with lo and hi optional scalar inputs. As torch.clamp:
 *   dx = dy where lo <= x <= hi, else 0;
 *   dlo = sum(dy where x < lo),  dhi = sum(dy where x > hi)
 * (the clamped entries are copies of the bound).
 */
export default defineOp({
  type: 'Clip',
  infer: (ctx) => {
    input(ctx, 0);
    for (const k of [1, 2]) {
      const t = ctx.inputs[k];
      if (t && t.shape.length !== 0 && !(t.shape.length === 1 && t.shape[0] === 1)) return ctx.fail(`input ${k} must be a scalar`);
    }
    return sameAsInput(ctx);
  },
  fold: (ctx) => {
    const x = ctx.values[0];
    if (!x || ctx.inputs.some((t, k) => t && !ctx.values[k])) return undefined;
    const lo = ctx.values[1] ? numbers(ctx.values[1])[0]! : -Infinity;
    const hi = ctx.values[2] ? numbers(ctx.values[2])[0]! : Infinity;
    return [constTensor(x.dtype, [...x.dims], numbers(x).map((v) => Math.min(Math.max(v, lo), hi)))];
  },
  grad: ({ g, x, dy, need, scalar, shape, ints }) => {
    const zero = scalar(0, dy[0]!);
    const lo = x[1] || undefined;
    const hi = x[2] || undefined;
    const conds: string[] = [];
    if (lo) conds.push(g.op('GreaterOrEqual', [x[0]!, lo]));
    if (hi) conds.push(g.op('LessOrEqual', [x[0]!, hi]));
    const inside = conds.length === 0 ? undefined : conds.length === 1 ? conds[0]! : g.op('And', conds);
    const dx = need[0] ? (inside ? g.op('Where', [inside, dy[0]!, zero]) : dy[0]!) : undefined;
    const total = (bound: string, cmp: 'Less' | 'Greater') =>
      g.op('Reshape', [
        g.op('ReduceSum', [g.op('Where', [g.op(cmp, [x[0]!, bound]), dy[0]!, zero])], { keepdims: { kind: 'int', value: 0 } }),
        ints(shape(bound)),
      ]);
    const dlo = need[1] && lo ? total(lo, 'Less') : undefined;
    const dhi = need[2] && hi ? total(hi, 'Greater') : undefined;
    return [dx, dlo, dhi];
  },
});
