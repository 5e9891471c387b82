import { halfToFloat, floatToHalf, numel, type DType, type Tensor } from '@modalflow/core';
import { FLOATS, ValueError } from './json-values.ts';

const INT_RANGES: Partial<Record<DType, [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int8: [-128, 127],
  uint8: [0, 255],
  bool: [0, 1],
};

const INTEGER: ReadonlySet<DType> = new Set(['int64', 'int32', 'int8', 'uint8', 'bool']);

function asNumbers(t: Tensor): number[] {
  if (t.dtype === 'float16') return Array.from(t.data as Uint16Array, halfToFloat);
  if (t.dtype === 'int64') return Array.from(t.data as BigInt64Array, Number);
  return Array.from(t.data as ArrayLike<number>);
}

/**
 * Converts a decoded array (an .npy file, a tensor from generated rows) to the input's dtype.
 * Only conversions that keep every value are made: any number to float, integers to an
 * integer type that holds them; a float array never silently becomes ids.
 */
export function castTensor(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  if (t.dtype === 'string' || dtype === 'string') {
    throw new ValueError(`the array is ${t.dtype}, but the input is ${dtype}`);
  }
  if (numel(t.dims) !== t.data.length) throw new ValueError(`the array's data does not fill its shape [${t.dims.join(', ')}]`);
  const values = asNumbers(t);
  const Float = FLOATS[dtype];
  if (Float) return { dtype, dims: t.dims, data: Float.from(values) as Tensor['data'] };
  switch (dtype) {
    case 'float16':
      return { dtype, dims: t.dims, data: Uint16Array.from(values, floatToHalf) };
    default: {
      if (!INTEGER.has(t.dtype)) {
        throw new ValueError(`the array is ${t.dtype}, but the input is ${dtype}; convert it to integers before saving`);
      }
      if (dtype === 'int64') {
        // int64 sources were handled by the equal-dtype case; every other integer fits.
        return { dtype, dims: t.dims, data: BigInt64Array.from(values, (v) => BigInt(v)) };
      }
      const [lo, hi] = INT_RANGES[dtype]!;
      const bad = values.findIndex((v) => v < lo || v > hi);
      if (bad >= 0) throw new ValueError(`the array is ${t.dtype} with ${values[bad]} at flat index ${bad}, outside ${dtype}'s [${lo}, ${hi}]`);
      const Ctor = dtype === 'int32' ? Int32Array : dtype === 'int8' ? Int8Array : Uint8Array;
      return { dtype, dims: t.dims, data: Ctor.from(values) };
    }
  }
}
