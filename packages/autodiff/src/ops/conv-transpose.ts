import { i, ints, type Dim } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { biasGradient, convGeometry, kernelGradient } from './conv-geometry.ts';
import { input } from './util.ts';

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
  grad: (ctx) => {
    const { g, x, dy, need, attr, shape, fail } = ctx;
    if (attr.has('output_shape') || attr.string('auto_pad', 'NOTSET') !== 'NOTSET') {
      return fail('the gradient rule needs explicit pads, not output_shape or auto_pad');
    }
    const ws = shape(x[1]!);
    const geo = convGeometry(attr, ws.slice(2));
    if (typeof geo === 'string') return fail(geo);
    const dx = need[0]
      ? g.op('Conv', [dy[0]!, x[1]!], {
          kernel_shape: ints(geo.kernel),
          strides: ints(geo.strides),
          dilations: ints(geo.dilations),
          pads: ints(geo.pads),
          group: i(geo.group),
        })
      : undefined;
    const dw = need[1] ? kernelGradient(ctx, dy[0]!, x[0]!, geo, geo.pads) : undefined;
    const db = need[2] && x[2] ? biasGradient(ctx, dy[0]!, ws.length) : undefined;
    return [dx, dw, db];
  },
});
