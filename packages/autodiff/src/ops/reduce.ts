import type { Dim } from '@modalflow/onnx';
import type { Attrs } from '../attrs.ts';
import { normAxis } from '../broadcast.ts';
import type { GradContext, InferContext } from '../op.ts';
import type { ValueType } from '../types.ts';
import { input, known, numbers } from './util.ts';

/**
 * The axes a Reduce* node reduces. Opset 17 gives ReduceSum its axes as input 1 and the other
 * reductions as an attribute; no axes means all of them unless noop_with_empty_axes is set.
 * `given` is the value of the axes input (undefined when the input is omitted).
 */
function reduceAxes(attr: Attrs, rank: number, fromInput: boolean, given: number[] | undefined): number[] | 'noop' {
  const axes = fromInput ? given : attr.optionalInts('axes');
  if (!axes || axes.length === 0) {
    if (attr.int('noop_with_empty_axes', 0) === 1) return 'noop';
    return Array.from({ length: rank }, (_, k) => k);
  }
  return axes.map((a) => normAxis(a, rank)).sort((a, b) => a - b);
}

export function reduceInfer(ctx: InferContext, fromInput: boolean): ValueType[] {
  const x = input(ctx, 0);
  let given: number[] | undefined;
  if (fromInput && ctx.node.inputs[1]) {
    given = known(ctx, 1);
    if (!given) return ctx.fail('reduction axes must be constants');
  }
  const axes = reduceAxes(ctx.attr, x.shape.length, fromInput, given);
  if (axes === 'noop') return [{ dtype: x.dtype, shape: [...x.shape] }];
  const keep = ctx.attr.int('keepdims', 1) === 1;
  const shape: Dim[] = [];
  x.shape.forEach((d, k) => {
    if (!axes.includes(k)) shape.push(d);
    else if (keep) shape.push(1);
  });
  return [{ dtype: x.dtype, shape }];
}

/** dy reshaped so the reduced axes are back as size-1 axes (as it is when keepdims was set). */
export function keptDims(ctx: GradContext, fromInput: boolean): { dy: string; axes: number[] | 'noop'; xShape: number[] } {
  const xShape = ctx.shape(ctx.x[0]!);
  const axesName = fromInput ? ctx.x[1] : undefined;
  const axesValue = axesName ? ctx.value(axesName) : undefined;
  if (axesName && !axesValue) ctx.fail('reduction axes must be constants');
  const axes = reduceAxes(ctx.attr, xShape.length, fromInput, axesValue ? numbers(axesValue) : undefined);
  if (axes === 'noop') return { dy: ctx.dy[0]!, axes, xShape };
  const kept = xShape.map((d, k) => (axes.includes(k) ? 1 : d));
  const dy = ctx.attr.int('keepdims', 1) === 1 ? ctx.dy[0]! : ctx.g.op('Reshape', [ctx.dy[0]!, ctx.ints(kept)]);
  return { dy, axes, xShape };
}
