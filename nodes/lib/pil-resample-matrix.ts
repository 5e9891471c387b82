import type { Tensor } from '@modalflow/core';
import { precomputeCoefficients, type PilFilter } from './pil-resample.ts';

/**
 * Pillow's resampling along one axis as a dense matrix of its 22-bit fixed-point weights, from
 * the very coefficients the host resize uses (precomputeCoefficients), so the ONNX path and the
 * host path cannot drift apart. Only output pixels first..first+count are kept (a centre crop
 * needs no others). `rows`: [count, inSize] for a product from the left (the vertical pass);
 * otherwise [inSize, count] for a product from the right (the horizontal pass).
 */
export function resampleMatrix(
  inSize: number,
  outSize: number,
  filter: Exclude<PilFilter, 'nearest'>,
  first: number,
  count: number,
  rows: boolean,
): Tensor {
  const { bounds, weights, ksize } = precomputeCoefficients(inSize, outSize, filter);
  const data = new Int32Array(count * inSize);
  for (let o = 0; o < count; o++) {
    const xx = first + o;
    const start = bounds[xx * 2]!;
    const n = bounds[xx * 2 + 1]!;
    for (let t = 0; t < n; t++) {
      const w = weights[xx * ksize + t]!;
      if (rows) data[o * inSize + start + t] = w;
      else data[(start + t) * count + o] = w;
    }
  }
  return { dtype: 'int32', dims: rows ? [count, inSize] : [inSize, count], data };
}
