import type { DType } from '@modalflow/core';

/** Open Inference Protocol v2 tensor datatypes, as KServe and Triton name them. */
export type V2Datatype = 'BOOL' | 'UINT8' | 'INT8' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

const TO_V2: Record<DType, V2Datatype> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  int8: 'INT8',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

export const V2_DATATYPES = Object.values(TO_V2);

export function toV2Datatype(dtype: DType): V2Datatype {
  return TO_V2[dtype];
}

export function fromV2Datatype(datatype: string): DType | undefined {
  return (Object.keys(TO_V2) as DType[]).find((d) => TO_V2[d] === datatype);
}

/** Bytes per element in the binary tensor extension; BYTES elements carry their own length. */
export const ELEMENT_BYTES: Record<Exclude<V2Datatype, 'BYTES'>, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  FP32: 4,
  FP64: 8,
};
