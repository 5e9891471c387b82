import { i, ints } from '@modalflow/onnx';
import type { GradContext } from '../op.ts';
import type { Attrs } from '../attrs.ts';

/** The spatial attributes of a Conv or ConvTranspose node, with ONNX defaults filled in. */
export interface ConvGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin..., end...]; for auto_pad SAME_* resolved against concrete input sizes when known. */
  pads: number[];
  autoPad: string;
  group: number;
}

export function convGeometry(attr: Attrs, kernelFromWeight: readonly (number | string | null)[]): ConvGeometry | string {
  const n = kernelFromWeight.length;
  const kernel = attr.optionalInts('kernel_shape') ?? kernelFromWeight.map((d) => (typeof d === 'number' ? d : NaN));
  if (kernel.some((k) => !Number.isFinite(k))) return 'kernel_shape is needed when the weight has symbolic sizes';
  if (kernel.length !== n) return `kernel_shape has ${kernel.length} entries for ${n} spatial axes`;
  const strides = attr.ints('strides', Array(n).fill(1));
  const dilations = attr.ints('dilations', Array(n).fill(1));
  const pads = attr.ints('pads', Array(2 * n).fill(0));
  if (strides.length !== n || dilations.length !== n || pads.length !== 2 * n) return 'strides, dilations and pads must match the spatial rank';
  return { kernel, strides, dilations, pads, autoPad: attr.string('auto_pad', 'NOTSET'), group: attr.int('group', 1) };
}

/** Conv output size along one axis: floor((in + pads - dilated kernel) / stride) + 1. */
export function convOut(size: number, k: number, stride: number, dilation: number, padBegin: number, padEnd: number): number {
  return Math.floor((size + padBegin + padEnd - dilation * (k - 1) - 1) / stride) + 1;
}

/**
 * Explicit pads of a Conv for concrete input sizes: SAME_* pads so out = ceil(in / stride),
 * the odd one at the end (UPPER) or the beginning (LOWER); VALID pads nothing.
 */
export function resolvePads(geo: ConvGeometry, sizes: readonly number[]): number[] {
  const n = sizes.length;
  if (geo.autoPad === 'NOTSET') return geo.pads;
  if (geo.autoPad === 'VALID') return Array(2 * n).fill(0);
  const begin: number[] = [];
  const end: number[] = [];
  sizes.forEach((size, k) => {
    const out = Math.ceil(size / geo.strides[k]!);
    const total = Math.max((out - 1) * geo.strides[k]! + geo.dilations[k]! * (geo.kernel[k]! - 1) + 1 - size, 0);
    const small = Math.floor(total / 2);
    begin.push(geo.autoPad === 'SAME_LOWER' ? total - small : small);
    end.push(geo.autoPad === 'SAME_LOWER' ? small : total - small);
  });
  return [...begin, ...end];
}

/**
 * The kernel gradient both convolutions share, as a convolution itself: with the batch axis
 * swapped to channels, `data^T` convolved by `kernel^T` at stride d and dilation s gives
 * [C_kernel, C_data, k' >= k]; the taps past k are sliced off and the result transposed back.
 * Conv passes (x, dy), its transpose (dy, x). Grouped convolutions do this per channel group.
 */
export function kernelGradient(ctx: GradContext, data: string, kernel: string, geo: ConvGeometry, pads: number[]): string {
  const { g, shape, ints: i64 } = ctx;
  const n = geo.kernel.length;
  const spatial = Array.from({ length: n }, (_, k) => k + 2);
  const swap = ints([1, 0, ...spatial]);
  const parts = (v: string) => (geo.group === 1 ? [v] : g.opN('Split', [v, i64(Array(geo.group).fill(shape(v)[1]! / geo.group))], geo.group, { axis: i(1) }));
  const kernelParts = parts(kernel);
  const perGroup = parts(data).map((part, j) => {
    const full = g.op('Conv', [g.op('Transpose', [part], { perm: swap }), g.op('Transpose', [kernelParts[j]!], { perm: swap })], {
      strides: ints(geo.dilations),
      dilations: ints(geo.strides),
      pads: ints(pads),
    });
    const cut = g.op('Slice', [full, i64(Array(n).fill(0)), i64(geo.kernel), i64(spatial)]);
    return g.op('Transpose', [cut], { perm: swap });
  });
  return perGroup.length === 1 ? perGroup[0]! : g.op('Concat', perGroup, { axis: i(0) });
}

/** db[m] = sum of dy over the batch and every position. */
export function biasGradient(ctx: GradContext, dy: string, rank: number): string {
  return ctx.g.op('ReduceSum', [dy, ctx.ints([0, ...Array.from({ length: rank - 2 }, (_, k) => k + 2)])], { keepdims: i(0) });
}
