import type { DType, Tensor } from '@modalflow/core';
import type { OnnxGraph, OnnxNode } from '@modalflow/onnx';
import type { Attrs } from './attrs.ts';
import type { ValueType } from './types.ts';

export interface InferContext {
  node: OnnxNode;
  attr: Attrs;
  /** Types of the node's inputs; undefined where an optional input is omitted (''). */
  inputs: (ValueType | undefined)[];
  /** Constant values of inputs where known (initializers and folded shape arithmetic). */
  values: (Tensor | undefined)[];
  /** Throws a coded error naming this node. */
  fail(message: string): never;
}

/**
 * What a gradient rule sees. `dy[k]` is the gradient of the objective with respect to output
 * k, or undefined when nothing downstream needs it (a zero that is never materialised).
 * A rule returns one entry per input: a value name, or undefined for "no gradient" (the input
 * is an integer tensor, was not asked for in `need`, or the op does not propagate to it).
 */
export interface GradContext {
  g: OnnxGraph;
  node: OnnxNode;
  attr: Attrs;
  x: string[];
  y: string[];
  dy: (string | undefined)[];
  need: boolean[];
  type(v: string): ValueType;
  /** Concrete shape of a value; gradients are built once every symbol has a size. */
  shape(v: string): number[];
  /** Constant value of `v` when known at compile time. */
  value(v: string): Tensor | undefined;
  /** A float scalar constant of `v`'s element type. */
  scalar(x: number, like: string): string;
  /** A constant of the given dtype and shape. */
  constant(dtype: DType, dims: number[], values: readonly number[]): string;
  /** A 1-D int64 constant, for axes and shapes. */
  ints(values: readonly number[]): string;
  /** Sums `grad` (shaped like a broadcast result) back to the shape `to` of a broadcast operand. */
  unbroadcast(grad: string, to: readonly number[]): string;
  /** `dy` of output k, or a zero tensor shaped like output k when it is absent. */
  dyOrZero(k: number): string;
  fail(message: string): never;
}

export interface OpDef {
  type: string;
  /** Output types; the shape rule of the op. */
  infer(ctx: InferContext): ValueType[];
  /**
   * Computes outputs at compile time from constant inputs. Only used for small tensors, so
   * that shape arithmetic (Shape -> Gather -> Concat -> Reshape) resolves to known shapes.
   */
  fold?(ctx: InferContext): Tensor[] | undefined;
  /** The reverse-mode rule; absent for ops whose outputs carry no gradient. */
  grad?(ctx: GradContext): (string | undefined)[];
  /** Outputs are piecewise constant or integer (comparisons, indices, shapes): no gradient flows. */
  differentiable?: false;
}

export function defineOp(def: OpDef): OpDef {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(def.type)) throw new Error(`op type "${def.type}" must be an ONNX op name`);
  return def;
}
