import { numel, type DType, type Tensor, type TensorData } from '@modalflow/core';

export type NumericDType = Exclude<DType, 'string'>;
type NumericData = Exclude<TensorData, string[]>;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const BYTES: Record<NumericDType, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  int64: 8,
  int32: 4,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export function elementBytes(dtype: NumericDType): number {
  return BYTES[dtype];
}

/** Whether `data` is the typed array core uses for `dtype` (bool and uint8 share Uint8Array). */
export function dataMatchesDType(dtype: DType, data: TensorData): boolean {
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array;
    case 'float64':
      return data instanceof Float64Array;
    case 'float16':
      return data instanceof Uint16Array;
    case 'int64':
      return data instanceof BigInt64Array;
    case 'int32':
      return data instanceof Int32Array;
    case 'int8':
      return data instanceof Int8Array;
    case 'uint8':
    case 'bool':
      return data instanceof Uint8Array;
    case 'string':
      return Array.isArray(data) && data.every((s) => typeof s === 'string');
  }
}

/**
 * Numeric tensor data as little-endian bytes, bools as exactly 0 or 1. On little-endian hosts
 * this is a view sharing `data`'s memory where possible, so large weights are not copied twice
 * on their way into a file; callers must not write to it.
 */
export function toLittleEndianBytes(dtype: NumericDType, data: NumericData): Uint8Array {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (dtype === 'bool') return raw.map((v) => (v ? 1 : 0));
  if (LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return raw;
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * 4, data[i]!, true);
    else if (data instanceof Float64Array) view.setFloat64(i * 8, data[i]!, true);
    else if (data instanceof Uint16Array) view.setUint16(i * 2, data[i]!, true);
    else if (data instanceof BigInt64Array) view.setBigInt64(i * 8, data[i]!, true);
    else if (data instanceof Int32Array) view.setInt32(i * 4, data[i]!, true);
  }
  return out;
}

/**
 * Builds a tensor from little-endian bytes whose length the caller has already checked. The
 * bytes are copied because they are often an unaligned view into a whole file.
 */
export function fromLittleEndianBytes(dtype: NumericDType, dims: number[], bytes: Uint8Array): Tensor {
  const n = numel(dims);
  const copy = new Uint8Array(n * BYTES[dtype]);
  copy.set(bytes.subarray(0, copy.length));
  const buf = copy.buffer;
  const view = LITTLE_ENDIAN ? undefined : new DataView(buf);
  let data: NumericData;
  switch (dtype) {
    case 'float32':
      data = new Float32Array(buf);
      if (view) for (let i = 0; i < n; i++) data[i] = view.getFloat32(i * 4, true);
      break;
    case 'float64':
      data = new Float64Array(buf);
      if (view) for (let i = 0; i < n; i++) data[i] = view.getFloat64(i * 8, true);
      break;
    case 'float16':
      data = new Uint16Array(buf);
      if (view) for (let i = 0; i < n; i++) data[i] = view.getUint16(i * 2, true);
      break;
    case 'int64':
      data = new BigInt64Array(buf);
      if (view) for (let i = 0; i < n; i++) data[i] = view.getBigInt64(i * 8, true);
      break;
    case 'int32':
      data = new Int32Array(buf);
      if (view) for (let i = 0; i < n; i++) data[i] = view.getInt32(i * 4, true);
      break;
    case 'int8':
      data = new Int8Array(buf);
      break;
    case 'uint8':
      data = copy;
      break;
    case 'bool':
      for (let i = 0; i < n; i++) if (copy[i]) copy[i] = 1;
      data = copy;
      break;
  }
  return { dtype, dims, data };
}
