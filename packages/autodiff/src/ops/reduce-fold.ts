import type { Tensor } from '@modalflow/core';
import { normAxis } from '../broadcast.ts';
import type { InferContext } from '../op.ts';
import { constTensor, known, numbers, strides } from './util.ts';

/**
 * Folds a Reduce* node over a small constant: `combine` takes the values of one reduced group.
 * Opset 17 gives only ReduceSum its axes as an input; the others take an attribute.
 */
export function foldReduce(ctx: InferContext, fromInput: boolean, combine: (xs: number[]) => number): Tensor[] | undefined {
  const x = ctx.values[0];
  if (!x) return undefined;
  let axes: number[] | undefined;
  if (fromInput && ctx.node.inputs[1]) {
    axes = known(ctx, 1);
    if (!axes) return undefined;
  } else if (!fromInput) axes = ctx.attr.optionalInts('axes');
  const rank = x.dims.length;
  if (!axes || axes.length === 0) {
    if (ctx.attr.int('noop_with_empty_axes', 0) === 1) return [x];
    axes = Array.from({ length: rank }, (_, k) => k);
  }
  const reduced = new Set(axes.map((a) => normAxis(a, rank)));
  const keptDims = x.dims.map((d, k) => (reduced.has(k) ? 1 : d));
  const outStrides = strides(keptDims);
  const inStrides = strides(x.dims);
  const groups: number[][] = Array.from({ length: keptDims.reduce((a, b) => a * b, 1) }, () => []);
  numbers(x).forEach((v, flat) => {
    let o = 0;
    for (let k = 0; k < rank; k++) if (!reduced.has(k)) o += (Math.floor(flat / inStrides[k]!) % x.dims[k]!) * outStrides[k]!;
    groups[o]!.push(v);
  });
  const dims = ctx.attr.int('keepdims', 1) === 1 ? keptDims : x.dims.filter((_, k) => !reduced.has(k));
  return [constTensor(x.dtype, dims, groups.map(combine))];
}
