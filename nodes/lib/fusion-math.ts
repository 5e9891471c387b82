import { NodeError, linearBound, type Dim, type Shape, type WeightSpec } from '@modalflow/core';
import { i, ints, t } from '@modalflow/onnx';
import type { OnnxGraph } from './lowering.ts';
import { MASK_VALUE } from './attention.ts';

/**
 * Shape checks, weight specs and lowering pieces shared by the fusion nodes (sum, Hadamard,
 * gated, tensor and low-rank fusion, sequence concatenation, attention variants).
 */

/** nn.Linear's weight and bias specs, with PyTorch's default init. */
export function linearSpecs(prefix: string, out: number, inp: number, bias = true): Record<string, WeightSpec> {
  const bound = linearBound(inp);
  return {
    [`${prefix}weight`]: { shape: [out, inp], init: { kind: 'uniform', bound } },
    ...(bias ? { [`${prefix}bias`]: { shape: [out], init: { kind: 'uniform', bound } } } : {}),
  };
}

export function layerNormSpecs(prefix: string, d: number): Record<string, WeightSpec> {
  return {
    [`${prefix}weight`]: { shape: [d], init: { kind: 'ones' } },
    [`${prefix}bias`]: { shape: [d], init: { kind: 'zeros' } },
  };
}

/**
 * Checks that feature tensors [..., D_p] share their leading axes (batch, and sequence if
 * any): same rank, and equal sizes wherever both are known. Returns those leading axes,
 * preferring a known size to a symbol.
 */
export function sharedLeadingAxes(parts: readonly (readonly [string, Shape])[]): Shape {
  const [refPort, ref] = parts[0]!;
  if (ref.length < 1) throw new NodeError(`"${refPort}" must have at least one axis (its features)`, { port: refPort });
  const lead: Shape = ref.slice(0, -1);
  for (const [port, s] of parts.slice(1)) {
    if (s.length !== ref.length) {
      throw new NodeError(
        `"${port}" has rank ${s.length} but "${refPort}" has rank ${ref.length}; the axes before the features must match`,
        { port },
      );
    }
    s.slice(0, -1).forEach((d, k) => {
      const e = lead[k]!;
      if (typeof d === 'number' && typeof e === 'number' && d !== e) {
        throw new NodeError(`"${port}" axis ${k} is ${d} but "${refPort}" axis ${k} is ${e}`, { port });
      }
      if (typeof d === 'number') lead[k] = d;
    });
  }
  return lead;
}

/** The connected ports among `names`, with their shapes, in order. */
export function connected(inputs: Record<string, Shape | undefined>, names: readonly string[]): [string, Shape][] {
  return names.flatMap((p) => (inputs[p] ? [[p, inputs[p]] as [string, Shape]] : []));
}

/** Product of the sizes of all axes but the last: the number of feature vectors. */
export function rows(shape: readonly Dim[], size: (d: Dim) => number): number {
  return shape.slice(0, -1).reduce<number>((a, d) => a * size(d), 1);
}

/**
 * z = [1; h] over the last axis. Tensor fusion and low-rank fusion both prepend the constant
 * 1, as their reference implementations do (torch.cat((ones, h), dim=1)), so that
 * z_a ⊗ z_b keeps each unimodal h_m and the constant as slices of the product.
 */
export function prependOne(g: OnnxGraph, x: string): string {
  const lead = g.op('Shape', [x], { end: i(-1) });
  const shape = g.op('Concat', [lead, g.constInt64([1])], { axis: i(0) });
  const ones = g.op('ConstantOfShape', [shape], { value: t({ dtype: 'float32', dims: [1], data: Float32Array.of(1) }) });
  return g.op('Concat', [ones, x], { axis: i(-1) });
}

/**
 * Row-wise outer product of a [..., m] and b [..., n], flattened to [..., m*n] with a's index
 * outermost (element (j, k) lands at j*n + k, as torch's bmm(a.unsqueeze(2), b.unsqueeze(1))
 * followed by view(batch, -1)). `leading` is the number of axes before the features.
 */
export function outerFlat(g: OnnxGraph, a: string, b: string, leading: number): string {
  const col = g.op('Unsqueeze', [a, g.constInt64([-1])]);
  const row = g.op('Unsqueeze', [b, g.constInt64([-2])]);
  const prod = g.op('Mul', [col, row]);
  return g.op('Reshape', [prod, g.constInt64([...new Array<number>(leading).fill(0), -1])]);
}

/** A [B, Tk] keep-mask (1 keeps a key) of any dtype as an additive [B, 1, Tk] float mask. */
export function additiveMask3(g: OnnxGraph, mask: string): string {
  const keep = g.op('Cast', [mask], { to: i(1) });
  const add = g.op('Mul', [g.op('Sub', [g.scalarFloat(1), keep]), g.scalarFloat(MASK_VALUE)]);
  return g.op('Unsqueeze', [add, g.constInt64([1])]);
}

/** int64 ones of shape [B, T] taken from a [B, T, D] sequence, for a part that has no mask. */
export function onesMaskLike(g: OnnxGraph, seq: string): string {
  const shape = g.op('Shape', [seq], { start: i(0), end: i(2) });
  return g.op('ConstantOfShape', [shape], { value: t({ dtype: 'int64', dims: [1], data: BigInt64Array.of(1n) }) });
}

/** Transposes weight [r, d, o] to a [d, r*o] matrix so every rank is one MatMul column block. */
export function factorMatrix(g: OnnxGraph, factor: string, d: number, r: number, o: number): string {
  const t3 = g.op('Transpose', [factor], { perm: ints([1, 0, 2]) });
  return g.op('Reshape', [t3, g.constInt64([d, r * o])]);
}

/** Mask dtypes accepted wherever a key mask is an input (tokenizers give int64). */
export const MASK_DTYPES = ['int64', 'int32', 'bool', 'float32'] as const;
