import { defineOp } from '../op.ts';
import { input, known } from './util.ts';

/** y = x padded by pads = [begin..., end...] (constant mode). dx = the interior of dy (a Slice). */
export default defineOp({
  type: 'Pad',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const pads = known(ctx, 1);
    if (!pads) return ctx.fail('pads must be a constant');
    const r = x.shape.length;
    return [{ dtype: x.dtype, shape: x.shape.map((d, k) => (typeof d === 'number' ? d + pads[k]! + pads[k + r]! : null)) }];
  },
  grad: ({ g, x, dy, shape, ints, value, attr, fail }) => {
    if (attr.string('mode', 'constant') !== 'constant') return fail('only constant padding has a gradient rule');
    const pv = value(x[1]!);
    if (!pv) return fail('pads must be a constant');
    const pads = Array.from(pv.data as BigInt64Array, Number);
    const xs = shape(x[0]!);
    const starts = xs.map((_, k) => pads[k]!);
    const ends = xs.map((d, k) => pads[k]! + d);
    return [g.op('Slice', [dy[0]!, ints(starts), ints(ends)]), undefined, undefined];
  },
});
