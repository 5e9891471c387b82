import { numel, type DType, type Tensor } from '@modalflow/core';
import type { Dim, OnnxGraph } from '@modalflow/onnx';
import { broadcastShapes, normAxis } from '../broadcast.ts';
import { makeConst } from '../gradients.ts';
import type { InferContext } from '../op.ts';
import type { ValueType } from '../types.ts';

export function input(ctx: InferContext, k: number): ValueType {
  const t = ctx.inputs[k];
  if (!t) return ctx.fail(`input ${k} is required`);
  return t;
}

/** The output is shaped and typed like input 0 (unary elementwise ops). */
export function sameAsInput(ctx: InferContext): ValueType[] {
  const t = input(ctx, 0);
  return [{ dtype: t.dtype, shape: [...t.shape] }];
}

/** Broadcasting elementwise ops; `dtype` overrides the result type (comparisons give bool). */
export function broadcastInfer(ctx: InferContext, dtype?: DType): ValueType[] {
  const shapes = ctx.inputs.filter((t): t is ValueType => t !== undefined).map((t) => t.shape);
  const shape = broadcastShapes(shapes);
  if (!shape) return ctx.fail('operand shapes do not broadcast');
  return [{ dtype: dtype ?? input(ctx, 0).dtype, shape }];
}

/** Numbers of a constant tensor (int64 read as numbers: shape arithmetic stays small). */
export function numbers(t: Tensor): number[] {
  if (t.dtype === 'string') throw new Error('string tensor in shape arithmetic');
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

export function constTensor(dtype: DType, dims: number[], values: readonly number[]): Tensor {
  return makeConst(dtype, dims, values);
}

/** Values of input k if it is a known constant. */
export function known(ctx: InferContext, k: number): number[] | undefined {
  const v = ctx.values[k];
  return v ? numbers(v) : undefined;
}

export function knownShape(shape: readonly Dim[]): number[] | undefined {
  return shape.every((d): d is number => typeof d === 'number') ? (shape as number[]) : undefined;
}

export function axisOf(ctx: InferContext, rank: number, name = 'axis', fallback = 0): number {
  const a = normAxis(ctx.attr.int(name, fallback), rank);
  if (a < 0 || a >= rank) return ctx.fail(`${name} ${ctx.attr.int(name, fallback)} is out of range for rank ${rank}`);
  return a;
}

/** Strides of a row-major shape. */
export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = s[k + 1]! * dims[k + 1]!;
  return s;
}

/** Elementwise fold of broadcasting ops over small constants. */
export function foldBroadcast(ctx: InferContext, out: ValueType, fn: (...xs: number[]) => number): Tensor[] | undefined {
  const vals = ctx.values;
  if (vals.some((v, k) => ctx.inputs[k] !== undefined && v === undefined)) return undefined;
  const dims = knownShape(out.shape);
  if (!dims) return undefined;
  const ins = vals.filter((v): v is Tensor => v !== undefined);
  const data = ins.map(numbers);
  const outStrides = strides(dims);
  const n = numel(dims);
  const result: number[] = new Array(n);
  for (let flat = 0; flat < n; flat++) {
    const args = ins.map((t, j) => {
      let off = 0;
      const s = strides(t.dims);
      const lead = dims.length - t.dims.length;
      for (let k = 0; k < t.dims.length; k++) {
        const idx = Math.floor(flat / outStrides[k + lead]!) % dims[k + lead]!;
        off += (t.dims[k] === 1 ? 0 : idx) * s[k]!;
      }
      return data[j]![off]!;
    });
    result[flat] = fn(...args);
  }
  return [constTensor(out.dtype, dims, out.dtype === 'int64' || out.dtype === 'int32' ? result.map(Math.trunc) : result)];
}

/** Zeros of a shape given as an int64 value: a ConstantOfShape, so no large constant is stored. */
export function zerosOfShape(g: OnnxGraph, dtype: DType, shape: string): string {
  return g.op('ConstantOfShape', [shape], { value: { kind: 'tensor', value: constTensor(dtype, [1], [0]) } });
}
