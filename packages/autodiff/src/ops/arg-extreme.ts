import { defineOp } from '../op.ts';
import { axisOf, constTensor, input, numbers, strides } from './util.ts';

/** Index of the largest (smallest) entry along axis: an integer, so no gradient flows. */
function argExtreme(type: 'ArgMax' | 'ArgMin') {
  const better = type === 'ArgMax' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  return defineOp({
    type,
    differentiable: false,
    infer: (ctx) => {
      const x = input(ctx, 0);
      const axis = axisOf(ctx, x.shape.length);
      const keep = ctx.attr.int('keepdims', 1) === 1;
      const shape = keep ? x.shape.map((d, k) => (k === axis ? 1 : d)) : x.shape.filter((_, k) => k !== axis);
      return [{ dtype: 'int64', shape }];
    },
    fold: (ctx) => {
      const x = ctx.values[0];
      if (!x) return undefined;
      const axis = axisOf(ctx, x.dims.length);
      const last = ctx.attr.int('select_last_index', 0) === 1;
      const data = numbers(x);
      const n = x.dims[axis]!;
      const step = strides(x.dims)[axis]!;
      const kept = x.dims.map((d, k) => (k === axis ? 1 : d));
      const out: number[] = [];
      const outer = data.length / (n * step);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < step; i++) {
          let best = 0;
          for (let j = 1; j < n; j++) {
            const v = data[o * n * step + j * step + i]!;
            const b = data[o * n * step + best * step + i]!;
            if (better(v, b) || (last && v === b)) best = j;
          }
          out.push(best);
        }
      }
      const dims = ctx.attr.int('keepdims', 1) === 1 ? kept : x.dims.filter((_, k) => k !== axis);
      return [constTensor('int64', dims, out)];
    },
  });
}

export const ArgMax = argExtreme('ArgMax');
export const ArgMin = argExtreme('ArgMin');
