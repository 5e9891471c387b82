import { onnxDataType } from '@modalflow/onnx';
import { defineOp, type GradContext } from '../op.ts';
import { keptDims, reduceInfer } from './reduce.ts';
import { foldReduce } from './reduce-fold.ts';

/**
 * y = max (or min) of x over axes. The gradient goes to the entries equal to the result, split
 * evenly among ties as torch.amax / torch.amin do:
 *   m = [x == y_kept],  dx = dy_kept m / sum_axes(m).
 */
function reduceExtreme(type: 'ReduceMax' | 'ReduceMin') {
  const pick = type === 'ReduceMax' ? (xs: number[]) => Math.max(...xs) : (xs: number[]) => Math.min(...xs);
  return defineOp({
    type,
    infer: (ctx) => reduceInfer(ctx, false),
    fold: (ctx) => foldReduce(ctx, false, pick),
    grad: (ctx) => [extremeGrad(ctx)],
  });
}

function extremeGrad(ctx: GradContext): string {
  const { g, x, y, type, ints } = ctx;
  const { dy, axes, xShape } = keptDims(ctx, false);
  if (axes === 'noop') return dy;
  const yKept = ctx.attr.int('keepdims', 1) === 1 ? y[0]! : g.op('Reshape', [y[0]!, ints(xShape.map((d, k) => (axes.includes(k) ? 1 : d)))]);
  const mask = g.op('Cast', [g.op('Equal', [x[0]!, yKept])], { to: { kind: 'int', value: onnxDataType(type(x[0]!).dtype) } });
  const count = g.op('ReduceSum', [mask, ints(axes)], { keepdims: { kind: 'int', value: 1 } });
  return g.op('Mul', [mask, g.op('Div', [dy, count])]);
}

export const ReduceMax = reduceExtreme('ReduceMax');
export const ReduceMin = reduceExtreme('ReduceMin');
