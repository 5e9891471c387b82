import { numel, type Tensor } from '@modalflow/core';
import type { Dim } from '@modalflow/onnx';
import { normAxis } from '../broadcast.ts';
import { defineOp, type InferContext } from '../op.ts';
import { constTensor, input, known, numbers, strides } from './util.ts';

interface Range1 {
  start: number;
  end: number;
  step: number;
}

/** ONNX Slice clamping, per axis: the first index taken, the bound, and the step. */
function clampRange(start: number, end: number, step: number, dim: number): Range1 {
  const norm = (v: number) => (v < 0 ? v + dim : v);
  let s = norm(start);
  let e = norm(end);
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
  } else {
    s = Math.min(Math.max(s, 0), dim - 1);
    e = Math.min(Math.max(e, -1), dim - 1);
  }
  return { start: s, end: e, step };
}

function count(r: Range1): number {
  return Math.max(0, Math.ceil((r.end - r.start) / r.step));
}

/** Per-axis ranges, or undefined while some bound or size is unknown. */
function ranges(ctx: Pick<InferContext, 'fail'>, shape: Dim[], starts?: number[], ends?: number[], axesIn?: number[], stepsIn?: number[]): Map<number, Range1> | undefined {
  if (!starts || !ends) return undefined;
  const axes = (axesIn ?? starts.map((_, k) => k)).map((a) => normAxis(a, shape.length));
  const out = new Map<number, Range1>();
  for (let k = 0; k < axes.length; k++) {
    const dim = shape[axes[k]!];
    if (typeof dim !== 'number') return undefined;
    const step = stepsIn?.[k] ?? 1;
    if (step === 0) return ctx.fail('a slice step must not be 0');
    out.set(axes[k]!, clampRange(starts[k]!, ends[k]!, step, dim));
  }
  return out;
}

/** y = x[starts:ends:steps] on the given axes. dx = dy placed back into zeros (a Pad for unit steps). */
export default defineOp({
  type: 'Slice',
  infer: (ctx) => {
    const x = input(ctx, 0);
    const r = ranges(ctx, x.shape, known(ctx, 1), known(ctx, 2), ctx.node.inputs[3] ? known(ctx, 3) : undefined, ctx.node.inputs[4] ? known(ctx, 4) : undefined);
    if (!r) {
      const axes = ctx.node.inputs[3] ? known(ctx, 3) : undefined;
      const touched = axes ? new Set(axes.map((a) => normAxis(a, x.shape.length))) : undefined;
      return [{ dtype: x.dtype, shape: x.shape.map((d, k) => (touched && !touched.has(k) ? d : null)) }];
    }
    return [{ dtype: x.dtype, shape: x.shape.map((d, k) => (r.has(k) ? count(r.get(k)!) : d)) }];
  },
  fold: (ctx) => {
    const v = ctx.values[0];
    if (!v) return undefined;
    const r = ranges(ctx, v.dims, known(ctx, 1), known(ctx, 2), ctx.node.inputs[3] ? known(ctx, 3) : undefined, ctx.node.inputs[4] ? known(ctx, 4) : undefined);
    if (!r) return undefined;
    return [sliceTensor(v, r)];
  },
  grad: ({ g, x, dy, shape, ints, value, fail }) => {
    const xShape = shape(x[0]!);
    const get = (k: number) => (x[k] ? value(x[k]!) : undefined);
    const vals = [1, 2, 3, 4].map((k) => {
      const t = get(k);
      return t ? numbers(t) : undefined;
    });
    if (!vals[0] || !vals[1] || (x[3] && !vals[2]) || (x[4] && !vals[3])) return fail('slice bounds must be constants to differentiate');
    const r = ranges({ fail }, xShape, vals[0], vals[1], vals[2], vals[3])!;
    const begin = xShape.map(() => 0);
    const end = xShape.map(() => 0);
    for (const [axis, range] of r) {
      if (range.step !== 1) return fail('only unit-step slices have a gradient rule');
      begin[axis] = range.start;
      end[axis] = xShape[axis]! - range.start - count(range);
    }
    return [g.op('Pad', [dy[0]!, ints([...begin, ...end])])];
  },
});

function sliceTensor(v: Tensor, r: Map<number, Range1>): Tensor {
  const dims = v.dims.map((d, k) => (r.has(k) ? count(r.get(k)!) : d));
  const src = numbers(v);
  const inStrides = strides(v.dims);
  const outStrides = strides(dims);
  const out: number[] = new Array(numel(dims));
  for (let flat = 0; flat < out.length; flat++) {
    let off = 0;
    for (let k = 0; k < dims.length; k++) {
      const idx = Math.floor(flat / outStrides[k]!) % dims[k]!;
      const range = r.get(k);
      off += (range ? range.start + idx * range.step : idx) * inStrides[k]!;
    }
    out[flat] = src[off]!;
  }
  return constTensor(v.dtype, dims, out);
}
