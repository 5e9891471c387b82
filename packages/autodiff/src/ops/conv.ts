import { i, ints, type Dim } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { biasGradient, convGeometry, convOut, kernelGradient, resolvePads } from './conv-geometry.ts';
import { input } from './util.ts';

/**
 * y[n, m, o] = sum_{c, k} x[n, g(m) c, o s + k d - p] w[m, c, k] + b[m] (any spatial rank, groups).
 *
 * dx is the adjoint of that map, a transposed convolution of dy with the same w, strides, pads,
 * dilations and groups. A forward size that floor() rounded down leaves rows of x no output
 * reached; output_padding restores them (they get zero gradient).
 *
 * dw[m, c, k] = sum_{n, o} dy[n, m, o] x_pad[n, c, o s + k d]: a convolution of x with channels
 * and batch swapped (x^T [C, N, ...]) by the kernel dy^T [M, N, ...], with stride d and dilation
 * s; its output is [C, M, k'], k' >= k (the extra positions fall past the last kernel tap and
 * are sliced off), transposed to [M, C, k]. Groups do this per channel group.
 *
 * db[m] = sum over batch and positions of dy.
 */
export default defineOp({
  type: 'Conv',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const w = input(ctx, 1);
    const n = x.shape.length - 2;
    if (n < 1 || w.shape.length !== n + 2) return ctx.fail('input and weight must be [N, C, spatial...] and [M, C/group, kernel...]');
    const geo = convGeometry(ctx.attr, w.shape.slice(2));
    if (typeof geo === 'string') return ctx.fail(geo);
    const [c, cg] = [x.shape[1], w.shape[1]];
    if (typeof c === 'number' && typeof cg === 'number' && c !== cg * geo.group) return ctx.fail(`input has ${c} channels, weight expects ${cg} x ${geo.group} groups`);
    const spatial: Dim[] = x.shape.slice(2).map((d, k) => {
      if (typeof d !== 'number') return null;
      if (geo.autoPad === 'SAME_UPPER' || geo.autoPad === 'SAME_LOWER') return Math.ceil(d / geo.strides[k]!);
      const pads = geo.autoPad === 'VALID' ? [0, 0] : [geo.pads[k]!, geo.pads[k + n]!];
      return convOut(d, geo.kernel[k]!, geo.strides[k]!, geo.dilations[k]!, pads[0]!, pads[1]!);
    });
    if (spatial.some((d) => typeof d === 'number' && d < 1)) return ctx.fail('the kernel is larger than the padded input');
    return [{ dtype: x.dtype, shape: [x.shape[0]!, w.shape[0]!, ...spatial] }];
  },
  grad: (ctx) => {
    const { g, x, dy, need, attr, shape, fail } = ctx;
    const xs = shape(x[0]!);
    const ws = shape(x[1]!);
    const ys = shape(dy[0]!);
    const n = xs.length - 2;
    const geo = convGeometry(attr, ws.slice(2));
    if (typeof geo === 'string') return fail(geo);
    const pads = resolvePads(geo, xs.slice(2));
    const axes = Array.from({ length: n }, (_, k) => k);
    let dx: string | undefined;
    if (need[0]) {
      // ConvTranspose size: s (in - 1) + outpad + d (k - 1) + 1 - pads; outpad makes it x's size.
      const outputPadding = axes.map(
        (k) => xs[k + 2]! - (geo.strides[k]! * (ys[k + 2]! - 1) + geo.dilations[k]! * (geo.kernel[k]! - 1) + 1 - pads[k]! - pads[k + n]!),
      );
      dx = g.op('ConvTranspose', [dy[0]!, x[1]!], {
        kernel_shape: ints(geo.kernel),
        strides: ints(geo.strides),
        dilations: ints(geo.dilations),
        pads: ints(pads),
        output_padding: ints(outputPadding),
        group: i(geo.group),
      });
    }
    const dw = need[1] ? kernelGradient(ctx, x[0]!, dy[0]!, geo, pads) : undefined;
    const db = need[2] && x[2] ? biasGradient(ctx, dy[0]!, xs.length) : undefined;
    return [dx, dw, db];
  },
});
