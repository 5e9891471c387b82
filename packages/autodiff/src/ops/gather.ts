import { numel } from '@modalflow/core';
import type { Dim } from '@modalflow/onnx';
import { defineOp } from '../op.ts';
import { axisOf, constTensor, input, numbers, zerosOfShape } from './util.ts';

/**
 * y = x indexed along axis by integer indices (an embedding lookup when axis = 0).
 * dx = zeros(x) with dy scatter-added at the indices (rows looked up twice get both gradients);
 * the indices get none.
 */
export default defineOp({
  type: 'Gather',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const idx = input(ctx, 1);
    const axis = axisOf(ctx, x.shape.length);
    const shape: Dim[] = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
    return [{ dtype: x.dtype, shape }];
  },
  fold: (ctx) => {
    const [x, idx] = ctx.values;
    if (!x || !idx) return undefined;
    const axis = axisOf(ctx, x.dims.length);
    const data = numbers(x);
    const ids = numbers(idx);
    const outer = numel(x.dims.slice(0, axis));
    const inner = numel(x.dims.slice(axis + 1));
    const n = x.dims[axis]!;
    const out: number[] = [];
    for (let o = 0; o < outer; o++) {
      for (const id of ids) {
        const r = id < 0 ? id + n : id;
        for (let k = 0; k < inner; k++) out.push(data[(o * n + r) * inner + k]!);
      }
    }
    return [constTensor(x.dtype, [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)], out)];
  },
  grad: ({ g, x, dy, attr, shape, ints, constant, type }) => {
    const xShape = shape(x[0]!);
    const rank = xShape.length;
    const a = attr.int('axis', 0);
    const axis = a < 0 ? a + rank : a;
    const iShape = shape(x[1]!);
    // Move the gathered axis to the front, so the update is a ScatterND over rows.
    const n = xShape[axis]!;
    const rest = xShape.filter((_, k) => k !== axis);
    const ir = iShape.length;
    // dy is [pre..., idx..., post...]; bring idx axes to the front: [idx..., pre..., post...].
    const permY = [...Array.from({ length: ir }, (_, k) => axis + k), ...Array.from({ length: axis }, (_, k) => k), ...Array.from({ length: rank - 1 - axis }, (_, k) => axis + ir + k)];
    const dyT = g.op('Transpose', [dy[0]!], { perm: { kind: 'ints', value: permY } });
    // Negative indices count from the end, as Gather allows.
    const idx64 = type(x[1]!).dtype === 'int64' ? x[1]! : g.op('Cast', [x[1]!], { to: { kind: 'int', value: 7 } });
    const nConst = constant('int64', [], [n]);
    const wrapped = g.op('Where', [g.op('Less', [idx64, constant('int64', [], [0])]), g.op('Add', [idx64, nConst]), idx64]);
    const indices = g.op('Unsqueeze', [wrapped, ints([-1])]);
    const zeros = zerosOfShape(g, type(x[0]!).dtype, ints([n, ...rest]));
    const scattered = g.op('ScatterND', [zeros, indices, dyT], { reduction: { kind: 'string', value: 'add' } });
    if (axis === 0) return [scattered, undefined];
    const back = Array.from({ length: rank }, (_, k) => (k < axis ? k + 1 : k === axis ? 0 : k));
    return [g.op('Transpose', [scattered], { perm: { kind: 'ints', value: back } }), undefined];
  },
});
