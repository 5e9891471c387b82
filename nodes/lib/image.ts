import { f, i, s } from '@modalflow/onnx';
import type { OnnxGraph } from './lowering.ts';

/**
 * Image preprocessing as ONNX opset-17 ops on NCHW float tensors, so it runs on the same
 * device as the vision encoder. Sizes are computed from the runtime shape: one model serves
 * images of any size.
 */

export const INTERPOLATIONS = ['cubic', 'linear', 'nearest'] as const;
export type Interpolation = (typeof INTERPOLATIONS)[number];

export const CROP_OFFSETS = ['floor', 'round'] as const;
export type CropOffset = (typeof CROP_OFFSETS)[number];

/**
 * Resize attributes. half_pixel puts pixel centres at i + 0.5, as PIL and torchvision do.
 * Cubic uses Keys' kernel with a = -0.5 (PIL's BICUBIC) and exclude_outside, which drops taps
 * beyond the border and renormalises the rest, as PIL's resampler does. Nearest with
 * round_prefer_ceil picks floor((i + 0.5) / scale), PIL's NEAREST (torch "nearest-exact").
 */
export function resizeAttrs(mode: Interpolation) {
  const base = { mode: s(mode), coordinate_transformation_mode: s('half_pixel') };
  if (mode === 'cubic') return { ...base, cubic_coeff_a: f(-0.5), exclude_outside: i(1) };
  if (mode === 'nearest') return { ...base, nearest_mode: s('round_prefer_ceil') };
  return base;
}

/**
 * Resizes NCHW `x` so its shorter side is `size` and the longer one floor(size * long / short),
 * the output size rule of torchvision Resize(int) and transformers' shortest_edge.
 */
export function resizeShortestEdge(g: OnnxGraph, x: string, size: number, mode: Interpolation): string {
  const shape = g.op('Shape', [x]);
  const lead = g.op('Slice', [shape, g.constInt64([0]), g.constInt64([2])]);
  const hw = g.op('Slice', [shape, g.constInt64([2]), g.constInt64([4])]);
  const short = g.op('ReduceMin', [hw], { keepdims: i(1) });
  // Integer division of positive sizes is the floor, exactly what int(size * long / short) gives.
  const target = g.op('Div', [g.op('Mul', [hw, g.scalarInt64(size)]), short]);
  const sizes = g.op('Concat', [lead, target], { axis: i(0) });
  return g.op('Resize', [x, '', '', sizes], resizeAttrs(mode));
}

/**
 * Crops the centre crop x crop window of NCHW `x`. The top offset is floor((H - crop) / 2)
 * (transformers' center_crop) or round-half-even((H - crop) / 2) (torchvision's center_crop,
 * Python's round); ONNX Round also rounds halves to even. They differ when H - crop = 3 mod 4.
 */
export function centerCrop(g: OnnxGraph, x: string, crop: number, offset: CropOffset): string {
  const hw = g.op('Slice', [g.op('Shape', [x]), g.constInt64([2]), g.constInt64([4])]);
  const spare = g.op('Sub', [hw, g.scalarInt64(crop)]);
  const start =
    offset === 'floor'
      ? g.op('Div', [spare, g.scalarInt64(2)])
      : g.op('Cast', [g.op('Round', [g.op('Div', [g.op('Cast', [spare], { to: i(1) }), g.scalarFloat(2)])])], { to: i(7) });
  const end = g.op('Add', [start, g.scalarInt64(crop)]);
  return g.op('Slice', [x, start, end, g.constInt64([2, 3])]);
}

/** Parses "0.5" or "0.481, 0.458, 0.408" into one value or one per RGB channel. */
export function parseChannelValues(text: string): number[] | string {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 1 && parts.length !== 3) return `needs 1 or 3 comma-separated numbers, got ${parts.length}`;
  const values = parts.map(Number);
  const bad = parts.findIndex((p, k) => p === '' || !Number.isFinite(values[k]!));
  if (bad >= 0) return `"${parts[bad]}" is not a number`;
  return values;
}
