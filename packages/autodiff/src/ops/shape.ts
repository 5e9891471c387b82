import { defineOp } from '../op.ts';
import { constTensor, input, knownShape } from './util.ts';

/** The shape of x as int64 (optionally a slice start:end of it); known at compile time once sizes are. */
export default defineOp({
  type: 'Shape',
  differentiable: false,
  infer: (ctx) => {
    const [start, end] = range(ctx.attr.int('start', 0), ctx.attr.has('end') ? ctx.attr.int('end') : undefined, input(ctx, 0).shape.length);
    return [{ dtype: 'int64', shape: [Math.max(0, end - start)] }];
  },
  fold: (ctx) => {
    const x = input(ctx, 0);
    const [start, end] = range(ctx.attr.int('start', 0), ctx.attr.has('end') ? ctx.attr.int('end') : undefined, x.shape.length);
    const dims = knownShape(x.shape.slice(start, end));
    return dims ? [constTensor('int64', [dims.length], dims)] : undefined;
  },
});

function range(start: number, end: number | undefined, rank: number): [number, number] {
  const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  return [clamp(start), clamp(end ?? rank)];
}
