import type { AttrOf, Dim } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { convGeometry } from './conv-geometry.ts';
import { input } from './util.ts';

const ints = (value: number[]): AttrOf<'ints'> => ({ kind: 'ints', value });
const int = (value: number): AttrOf<'int'> => ({ kind: 'int', value });

/**
 * The adjoint of Conv (emitted by Conv's rule for dx): x [N, C, ...], w [C, M/group, k...],
 * y [N, M, ...] with size s (in - 1) + output_padding + d (k - 1) + 1 - pads per axis, or
 * output_shape when given, or in s under auto_pad SAME_*. It scatters:
 *   y[n, g(c) m, i s + k d - p] += x[n, c, i] w[c, m, k]  (+ b[m]).
 *
 * dx is the adjoint again, a Conv of dy with the same w, strides, pads, dilations and groups
 * (its output size is exactly x's, since output_padding < stride).
 * dw[c, m, k] = sum_{n, i} x[n, c, i] dy_pad[n, m, i s + k d]: a Conv of dy^T [M, N, ...] by the
 * kernel x^T [C, N, ...] with stride d and dilation s, giving [M, C, k' >= k], sliced to k and
 * transposed to [C, M, k]; per channel group when grouped.
 * db[m] = sum over batch and positions of dy.
 * The rule takes explicit pads (the form Conv's rule emits); output_shape and auto_pad, which
 * derive the pads from sizes, are refused.
 */
export default defineOp({
  type: 'ConvTranspose',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const w = input(ctx, 1);
    const n = x.shape.length - 2;
    if (n < 1 || w.shape.length !== n + 2) return ctx.fail('input and weight must be [N, C, spatial...] and [C, M/group, kernel...]');
    const geo = convGeometry(ctx.attr, w.shape.slice(2));
    if (typeof geo === 'string') return ctx.fail(geo);
    const outPad = ctx.attr.ints('output_padding', Array(n).fill(0));
    const given = ctx.attr.optionalInts('output_shape');
    const m = w.shape[1]!;
    const channels: Dim = typeof m === 'number' ? m * geo.group : geo.group === 1 ? m : null;
    const spatial: Dim[] = x.shape.slice(2).map((d, k) => {
      if (given) return given[given.length - n + k]!;
      if (typeof d !== 'number') return null;
      if (geo.autoPad === 'SAME_UPPER' || geo.autoPad === 'SAME_LOWER') return d * geo.strides[k]!;
      const pads = geo.autoPad === 'VALID' ? 0 : geo.pads[k]! + geo.pads[k + n]!;
      return geo.strides[k]! * (d - 1) + outPad[k]! + geo.dilations[k]! * (geo.kernel[k]! - 1) + 1 - pads;
    });
    return [{ dtype: x.dtype, shape: [x.shape[0]!, channels, ...spatial] }];
  },
  grad: ({ g, x, dy, need, attr, shape, ints: i64, fail }) => {
    if (attr.has('output_shape') || attr.string('auto_pad', 'NOTSET') !== 'NOTSET') {
      return fail('the gradient rule needs explicit pads, not output_shape or auto_pad');
    }
    const ws = shape(x[1]!);
    const n = ws.length - 2;
    const geo = convGeometry(attr, ws.slice(2));
    if (typeof geo === 'string') return fail(geo);
    const axes = Array.from({ length: n }, (_, k) => k);
    const dx = need[0]
      ? g.op('Conv', [dy[0]!, x[1]!], {
          kernel_shape: ints(geo.kernel),
          strides: ints(geo.strides),
          dilations: ints(geo.dilations),
          pads: ints(geo.pads),
          group: int(geo.group),
        })
      : undefined;
    let dw: string | undefined;
    if (need[1]) {
      const swap = ints([1, 0, ...axes.map((k) => k + 2)]);
      const groups = geo.group;
      const parts = (v: string) => (groups === 1 ? [v] : g.opN('Split', [v, i64(Array(groups).fill(shape(v)[1]! / groups))], groups, { axis: int(1) }));
      const xParts = parts(x[0]!);
      const dyParts = parts(dy[0]!);
      const perGroup = xParts.map((xp, j) => {
        const full = g.op('Conv', [g.op('Transpose', [dyParts[j]!], { perm: swap }), g.op('Transpose', [xp], { perm: swap })], {
          strides: ints(geo.dilations),
          dilations: ints(geo.strides),
          pads: ints(geo.pads),
        });
        const cut = g.op('Slice', [full, i64(Array(n).fill(0)), i64(geo.kernel), i64(axes.map((k) => k + 2))]);
        return g.op('Transpose', [cut], { perm: swap });
      });
      dw = perGroup.length === 1 ? perGroup[0]! : g.op('Concat', perGroup, { axis: int(0) });
    }
    const db = need[2] && x[2] ? g.op('ReduceSum', [dy[0]!, i64([0, ...axes.map((k) => k + 2)])], { keepdims: int(0) }) : undefined;
    return [dx, dw, db];
  },
});
