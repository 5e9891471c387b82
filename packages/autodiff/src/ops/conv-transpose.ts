import type { Dim } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { convGeometry } from './conv-geometry.ts';
import { input } from './util.ts';

/**
 * The adjoint of Conv (emitted by Conv's rule for dx): x [N, C, ...], w [C, M/group, k...],
 * y [N, M, ...] with size s (in - 1) + output_padding + d (k - 1) + 1 - pads per axis, or
 * output_shape when given (pads then follow from it), or in s under auto_pad SAME_*.
 * Its own gradient would be a Conv of dy; no forward graph uses it, so no rule is given.
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
});
