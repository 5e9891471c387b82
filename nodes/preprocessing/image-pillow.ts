import type { Tensor } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import type { CropOffset } from '../lib/image.ts';
import { levelTable } from '../lib/image-processor-config.ts';
import { PRECISION_BITS } from '../lib/pil-resample.ts';
import { resampleMatrix } from '../lib/pil-resample-matrix.ts';
import type { OnnxGraph } from '../lib/lowering.ts';
import '../lib/lowering.ts';

export interface PillowGeometry {
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
}

export interface PillowLevels {
  rescale: number;
  /** One value per channel (R, G, B). */
  mean: number[];
  std: number[];
}

/** Python's round() of a half-integer margin: halves go to the even neighbour, as ONNX Round does. */
const roundHalfEven = (v: number) => (Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));

/** An axis that keeps its size is copied, as Pillow skips that pass: weight 2^22 on one pixel. */
function selection(n: number, first: number, count: number, rows: boolean): Tensor {
  const data = new Int32Array(count * n);
  for (let o = 0; o < count; o++) data[rows ? o * n + first + o : (first + o) * count + o] = 1 << PRECISION_BITS;
  return { dtype: 'int32', dims: rows ? [count, n] : [n, count], data };
}

/**
 * The two coefficient matrices of Pillow's resize for one picture size, restricted to the rows
 * and columns the centre crop keeps: `w` [W, cw] multiplies from the right (horizontal pass),
 * `h` [ch, H] from the left (vertical pass). Built from the host resize's own coefficients.
 */
export function pillowMatrices(p: PillowGeometry): { w: Tensor; h: Tensor } {
  const [ch, cw] = p.crop > 0 ? [p.crop, p.crop] : [p.rh, p.rw];
  const start = (spare: number) => (p.offset === 'floor' ? Math.floor(spare / 2) : roundHalfEven(spare / 2));
  const top = start(p.rh - ch);
  const left = start(p.rw - cw);
  return {
    w: p.rw !== p.w ? resampleMatrix(p.w, p.rw, p.filter, left, cw, false) : selection(p.w, left, cw, false),
    h: p.rh !== p.h ? resampleMatrix(p.h, p.rh, p.filter, top, ch, true) : selection(p.h, top, ch, true),
  };
}

/**
 * Pillow's 8-bit resize, centre crop, rescale and normalise as ONNX ops, given the coefficient
 * matrices of pillowMatrices (as constants when the picture size is fixed in the graph, or as
 * tensors the engine computes for each run's size). Pillow's separable filter is two integer
 * matrix products, each followed by Pillow's rounding and clipping to 0..255. The 8-bit result
 * then indexes the host's table of normalised levels, the one preprocess.clip_image uses, so
 * both paths give the same floats.
 */
export function pillowPreprocess(g: OnnxGraph, image: string, matrices: { w: string; h: string }, levels: PillowLevels): string {
  const int = (v: number) => g.constant({ dtype: 'int32', dims: [], data: Int32Array.of(v) });
  const [half, unit, zero, top8] = [int(1 << (PRECISION_BITS - 1)), int(1 << PRECISION_BITS), int(0), int(255)];
  // ImagingResample's clip8: (2^21 + sum) >> 22, clamped to 0..255; a sum <= 0 gives 0, so the
  // integer division (truncating) sees only non-negative values and equals the shift.
  const clip8 = (s: string) => g.op('Min', [g.op('Div', [g.op('Max', [g.op('Add', [s, half]), zero]), unit]), top8]);
  let v = g.op('Transpose', [g.op('Cast', [image], { to: i(6) })], { perm: ints([0, 3, 1, 2]) });
  // Horizontal pass first, as Pillow does.
  v = clip8(g.op('MatMul', [v, matrices.w]));
  v = clip8(g.op('MatMul', [matrices.h, v]));
  const table = levelTable({ resize: null, resample: 'bicubic', crop: null, rescale: levels.rescale, normalize: { mean: levels.mean, std: levels.std } });
  const offsets = g.constant({ dtype: 'int32', dims: [1, 3, 1, 1], data: Int32Array.of(0, 256, 512) });
  return g.op('Gather', [g.constFloat(Array.from(table)), g.op('Add', [v, offsets])], { axis: i(0) });
}
