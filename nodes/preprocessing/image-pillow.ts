import { i, ints } from '@modalflow/onnx';
import type { CropOffset } from '../lib/image.ts';
import { levelTable } from '../lib/image-processor-config.ts';
import { PRECISION_BITS } from '../lib/pil-resample.ts';
import { resampleMatrix } from '../lib/pil-resample-matrix.ts';
import type { OnnxGraph } from '../lib/lowering.ts';
import '../lib/lowering.ts';

export interface PillowSteps {
  /** Input picture size. */
  h: number;
  w: number;
  /** Resized size. */
  rh: number;
  rw: number;
  /** Crop side (0 = none) and how odd margins are split. */
  crop: number;
  offset: CropOffset;
  filter: 'bicubic' | 'bilinear';
  rescale: number;
  /** One value per channel (R, G, B). */
  mean: number[];
  std: number[];
}

/** Python's round() of a half-integer margin: halves go to the even neighbour, as ONNX Round does. */
const roundHalfEven = (v: number) => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));

/**
 * Pillow's 8-bit resize, centre crop, rescale and normalise as ONNX ops, for pictures whose size
 * is known when the graph is compiled. Pillow's separable filter is two integer matrix products
 * with the host's fixed-point coefficient matrices (lib/pil-resample-matrix.ts), each followed by
 * Pillow's rounding and clipping to 0..255; only the rows and columns the crop keeps are
 * computed. The 8-bit result then indexes the host's table of normalised levels, the one
 * preprocess.clip_image uses, so both paths give the same floats.
 */
export function pillowPreprocess(g: OnnxGraph, image: string, p: PillowSteps): string {
  const [ch, cw] = p.crop > 0 ? [p.crop, p.crop] : [p.rh, p.rw];
  const start = (spare: number) => (p.offset === 'floor' ? Math.floor(spare / 2) : roundHalfEven(spare / 2));
  const top = start(p.rh - ch);
  const left = start(p.rw - cw);
  const half = g.constant({ dtype: 'int32', dims: [], data: Int32Array.of(1 << (PRECISION_BITS - 1)) });
  const unit = g.constant({ dtype: 'int32', dims: [], data: Int32Array.of(1 << PRECISION_BITS) });
  const zero = g.constant({ dtype: 'int32', dims: [], data: Int32Array.of(0) });
  const top8 = g.constant({ dtype: 'int32', dims: [], data: Int32Array.of(255) });
  // ImagingResample's clip8: (2^21 + sum) >> 22, clamped to 0..255; a sum <= 0 gives 0, so the
  // integer division (truncating) sees only non-negative values and equals the shift.
  const clip8 = (s: string) => g.op('Min', [g.op('Div', [g.op('Max', [g.op('Add', [s, half]), zero]), unit]), top8]);
  const slice = (v: string, from: number, n: number, axis: number) =>
    g.op('Slice', [v, g.constInt64([from]), g.constInt64([from + n]), g.constInt64([axis])]);

  let v = g.op('Transpose', [g.op('Cast', [image], { to: i(6) })], { perm: ints([0, 3, 1, 2]) });
  // Horizontal pass first, as Pillow does; an axis that keeps its size is not resampled.
  v = p.rw !== p.w ? clip8(g.op('MatMul', [v, g.constant(resampleMatrix(p.w, p.rw, p.filter, left, cw, false), 'resample_w')])) : slice(v, left, cw, 3);
  v = p.rh !== p.h ? clip8(g.op('MatMul', [g.constant(resampleMatrix(p.h, p.rh, p.filter, top, ch, true), 'resample_h'), v])) : slice(v, top, ch, 2);
  const table = levelTable({ resize: null, resample: p.filter, crop: null, rescale: p.rescale, normalize: { mean: p.mean, std: p.std } });
  const levels = g.op('Add', [v, g.constant({ dtype: 'int32', dims: [1, 3, 1, 1], data: Int32Array.of(0, 256, 512) })]);
  return g.op('Gather', [g.constFloat(Array.from(table)), levels], { axis: i(0) });
}
