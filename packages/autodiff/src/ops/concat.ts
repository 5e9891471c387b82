import type { Tensor } from '@modalflow/core';
import type { Dim } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { axisOf, constTensor, input, numbers } from './util.ts';

/** y = [x_1, ..., x_n] along axis. dx_k = the slice of dy that x_k filled. */
export default defineOp({
  type: 'Concat',
  infer: (ctx) => {
    const first = input(ctx, 0);
    const axis = axisOf(ctx, first.shape.length);
    const shape: Dim[] = [...first.shape];
    let total: Dim = 0;
    for (const t of ctx.inputs) {
      if (!t) continue;
      if (t.shape.length !== first.shape.length) return ctx.fail('inputs differ in rank');
      const d = t.shape[axis]!;
      total = typeof total === 'number' && typeof d === 'number' ? total + d : null;
    }
    shape[axis] = total;
    return [{ dtype: first.dtype, shape }];
  },
  fold: (ctx) => {
    const vals = ctx.values;
    if (vals.some((v) => !v) || vals.some((v) => v!.dims.length !== 1)) return undefined;
    const all = vals.flatMap((v) => numbers(v as Tensor));
    const t = vals[0]!;
    return [constTensor(t.dtype, [all.length], all)];
  },
  grad: ({ g, x, dy, need, shape, attr, ints }) => {
    const rank = shape(x[0]!).length;
    const a = attr.int('axis');
    const axis = a < 0 ? a + rank : a;
    const sizes = x.map((v) => shape(v)[axis]!);
    if (x.length === 1) return [dy[0]];
    const parts = g.opN('Split', [dy[0]!, ints(sizes)], x.length, { axis: { kind: 'int', value: axis } });
    return parts.map((p, k) => (need[k] ? p : undefined));
  },
});
