import { numel } from '@modalflow/core';
import type { Dim } from '@modalflow/onnx';
import { defineOp, type InferContext } from '../op.ts';
import type { ValueType } from '../types.ts';
import { input, known, knownShape } from './util.ts';

/**
 * y = x viewed as `shape` (0 copies the input's size unless allowzero, -1 is inferred).
 * dx = reshape(dy, shape(x)).
 */
export default defineOp({
  type: 'Reshape',
  infer: (ctx) => inferReshape(ctx),
  fold: (ctx) => {
    const v = ctx.values[0];
    const dims = knownShape(inferReshape(ctx)[0]!.shape);
    return v && dims ? [{ dtype: v.dtype, dims, data: v.data }] : undefined;
  },
  grad: ({ g, x, dy, ints, shape }) => [g.op('Reshape', [dy[0]!, ints(shape(x[0]!))])],
});

function inferReshape(ctx: InferContext): ValueType[] {
  const x = input(ctx, 0);
  const target = known(ctx, 1);
  if (!target) {
    const s = input(ctx, 1).shape[0];
    if (typeof s !== 'number') return ctx.fail('the target shape must have a known length');
    return [{ dtype: x.dtype, shape: new Array<Dim>(s).fill(null) }];
  }
  const allowZero = ctx.attr.int('allowzero', 0) === 1;
  const shape: Dim[] = target.map((d, k) => (d === 0 && !allowZero ? (k < x.shape.length ? x.shape[k]! : ctx.fail(`target dim ${k} copies a missing input dim`)) : d));
  const minus = shape.indexOf(-1);
  if (minus >= 0) {
    const rest = shape.filter((_, k) => k !== minus);
    if (x.shape.every((d) => typeof d === 'number') && rest.every((d) => typeof d === 'number')) {
      const total = numel(x.shape as number[]);
      const part = numel(rest as number[]);
      if (part === 0 || total % part !== 0) return ctx.fail(`cannot reshape ${total} values into [${target.join(', ')}]`);
      shape[minus] = total / part;
    } else shape[minus] = null;
  } else if (x.shape.every((d) => typeof d === 'number') && shape.every((d) => typeof d === 'number')) {
    if (numel(x.shape as number[]) !== numel(shape as number[])) return ctx.fail(`cannot reshape into [${target.join(', ')}]`);
  }
  return [{ dtype: x.dtype, shape }];
}
