import type { DType } from '@modalflow/core';

/** TensorProto.DataType numbers (onnx.proto). */
export const OnnxDataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
  FLOAT4E2M1: 23,
} as const;

const TO_ONNX: Record<DType, number> = {
  float32: OnnxDataType.FLOAT,
  float64: OnnxDataType.DOUBLE,
  float16: OnnxDataType.FLOAT16,
  int64: OnnxDataType.INT64,
  int32: OnnxDataType.INT32,
  int8: OnnxDataType.INT8,
  uint8: OnnxDataType.UINT8,
  bool: OnnxDataType.BOOL,
  string: OnnxDataType.STRING,
};

const FROM_ONNX = new Map<number, DType>(Object.entries(TO_ONNX).map(([k, v]) => [v, k as DType]));

export function onnxDataType(dtype: DType): number {
  return TO_ONNX[dtype];
}

/** The core dtype for an ONNX element type, or undefined when core has no equivalent. */
export function dtypeFromOnnx(dataType: number): DType | undefined {
  return FROM_ONNX.get(dataType);
}

export function onnxDataTypeName(dataType: number): string {
  for (const [name, n] of Object.entries(OnnxDataType)) if (n === dataType) return name;
  return `#${dataType}`;
}

/**
 * Bits per element of each fixed-width ONNX type, so raw_data sizes can be checked even for
 * types this package does not convert. 4-bit types pack two elements per byte.
 */
const BITS: Partial<Record<number, number>> = {
  [OnnxDataType.FLOAT]: 32,
  [OnnxDataType.UINT8]: 8,
  [OnnxDataType.INT8]: 8,
  [OnnxDataType.UINT16]: 16,
  [OnnxDataType.INT16]: 16,
  [OnnxDataType.INT32]: 32,
  [OnnxDataType.INT64]: 64,
  [OnnxDataType.BOOL]: 8,
  [OnnxDataType.FLOAT16]: 16,
  [OnnxDataType.DOUBLE]: 64,
  [OnnxDataType.UINT32]: 32,
  [OnnxDataType.UINT64]: 64,
  [OnnxDataType.COMPLEX64]: 64,
  [OnnxDataType.COMPLEX128]: 128,
  [OnnxDataType.BFLOAT16]: 16,
  [OnnxDataType.FLOAT8E4M3FN]: 8,
  [OnnxDataType.FLOAT8E4M3FNUZ]: 8,
  [OnnxDataType.FLOAT8E5M2]: 8,
  [OnnxDataType.FLOAT8E5M2FNUZ]: 8,
  [OnnxDataType.UINT4]: 4,
  [OnnxDataType.INT4]: 4,
  [OnnxDataType.FLOAT4E2M1]: 4,
};

/** Byte length of `count` elements stored as raw_data, or undefined for strings/unknown types. */
export function rawByteLength(dataType: number, count: number): number | undefined {
  const bits = BITS[dataType];
  return bits === undefined ? undefined : Math.ceil((count * bits) / 8);
}
