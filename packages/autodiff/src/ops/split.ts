import type { Dim } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { axisOf, input, known } from './util.ts';

/** [y_1..y_n] = x cut along axis (sizes from input 1, else equal parts). dx = concat(dy_k or 0). */
export default defineOp({
  type: 'Split',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const axis = axisOf(ctx, x.shape.length);
    const n = ctx.node.outputs.length;
    let sizes: Dim[];
    if (ctx.node.inputs[1]) {
      const given = known(ctx, 1);
      if (!given) return ctx.fail('split sizes must be constants');
      sizes = given;
    } else {
      const d = x.shape[axis]!;
      if (typeof d === 'number' && d % n !== 0) return ctx.fail(`cannot split ${d} into ${n} equal parts`);
      sizes = new Array<Dim>(n).fill(typeof d === 'number' ? d / n : null);
    }
    return sizes.map((s) => {
      const shape = [...x.shape];
      shape[axis] = s;
      return { dtype: x.dtype, shape };
    });
  },
  grad: ({ g, x, attr, shape, dyOrZero, y }) => {
    const rank = shape(x[0]!).length;
    const a = attr.int('axis', 0);
    return [g.op('Concat', y.map((_, k) => dyOrZero(k)), { axis: { kind: 'int', value: a < 0 ? a + rank : a } })];
  },
});
