/** Element types a port or tensor can carry; names follow onnxruntime's JS API. */
export type DType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool' | 'string';

export type TensorData =
  | Float32Array
  | Float64Array
  | Uint16Array // float16 bits
  | BigInt64Array
  | Int32Array
  | Int8Array
  | Uint8Array // uint8 and bool
  | string[];

/** A dense tensor in host memory: the one currency between engine, runtimes and apps. */
export interface Tensor {
  dtype: DType;
  dims: number[];
  data: TensorData;
}

export function numel(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

/** Allocates a zero tensor of the given dtype and shape. */
export function zeros(dtype: DType, dims: number[]): Tensor {
  const n = numel(dims);
  if (dtype === 'string') return { dtype, dims, data: new Array<string>(n).fill('') };
  return { dtype, dims, data: new CTORS[dtype](n) };
}

export function makeTensor(dtype: DType, dims: number[], data: TensorData): Tensor {
  const n = numel(dims);
  if (data.length !== n) {
    throw new RangeError(`tensor of shape [${dims.join(', ')}] needs ${n} values, got ${data.length}`);
  }
  return { dtype, dims, data };
}

export function bytesPerElement(dtype: Exclude<DType, 'string'>): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

/** The dtype's typed array over these bytes (aligned to its element size): a view, not a copy. */
export function typedArrayOver(dtype: Exclude<DType, 'string'>, buffer: ArrayBuffer): Exclude<TensorData, string[]> {
  return new CTORS[dtype](buffer);
}
