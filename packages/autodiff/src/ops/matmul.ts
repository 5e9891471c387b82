import type { Dim } from '@modalflow/onnx';
import { broadcastShapes } from '../broadcast.ts';
import { defineOp } from '../op.ts';
import { input } from './util.ts';

/**
 * y = a @ b with numpy semantics: batch axes broadcast, a 1-D a is a row and a 1-D b a column
 * (then dropped from the result).
 * da = sum_to(dy @ b^T, a), db = sum_to(a^T @ dy, b), computed on the 2-D-promoted operands.
 */
export default defineOp({
  type: 'MatMul',
  infer: (ctx) => {
    const a = input(ctx, 0);
    const b = input(ctx, 1);
    const as = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
    const bs = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
    const k1 = as[as.length - 1]!;
    const k2 = bs[bs.length - 2]!;
    if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) return ctx.fail(`inner sizes ${k1} and ${k2} differ`);
    const batch = broadcastShapes([as.slice(0, -2), bs.slice(0, -2)]);
    if (!batch) return ctx.fail('batch axes do not broadcast');
    const shape: Dim[] = [...batch];
    if (a.shape.length > 1) shape.push(as[as.length - 2]!);
    if (b.shape.length > 1) shape.push(bs[bs.length - 1]!);
    return [{ dtype: a.dtype, shape }];
  },
  grad: ({ g, x, dy, need, shape, ints, unbroadcast }) => {
    const aShape = shape(x[0]!);
    const bShape = shape(x[1]!);
    const a2 = aShape.length === 1 ? [1, aShape[0]!] : aShape;
    const b2 = bShape.length === 1 ? [bShape[0]!, 1] : bShape;
    const a = aShape.length === 1 ? g.op('Reshape', [x[0]!, ints(a2)]) : x[0]!;
    const b = bShape.length === 1 ? g.op('Reshape', [x[1]!, ints(b2)]) : x[1]!;
    const yShape = shape(dy[0]!);
    const batch = aShape.length === 1 && bShape.length === 1 ? [] : yShape.slice(0, yShape.length - (aShape.length > 1 ? 1 : 0) - (bShape.length > 1 ? 1 : 0));
    const d = g.op('Reshape', [dy[0]!, ints([...batch, a2[a2.length - 2]!, b2[b2.length - 1]!])]);
    const swap = (v: string, rank: number) => {
      const perm = Array.from({ length: rank }, (_, k) => k);
      [perm[rank - 1], perm[rank - 2]] = [perm[rank - 2]!, perm[rank - 1]!];
      return g.op('Transpose', [v], { perm: { kind: 'ints', value: perm } });
    };
    const back = (grad: string, promoted: number[], original: number[]) => {
      const summed = unbroadcast(grad, promoted);
      return promoted.length === original.length && promoted.every((v, k) => v === original[k]) ? summed : g.op('Reshape', [summed, ints(original)]);
    };
    return [
      need[0] ? back(g.op('MatMul', [d, swap(b, b2.length)]), a2, aShape) : undefined,
      need[1] ? back(g.op('MatMul', [swap(a, a2.length), d]), b2, bShape) : undefined,
    ];
  },
});
