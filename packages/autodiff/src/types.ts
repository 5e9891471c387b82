import type { DType } from '@modalflow/core';
import type { Dim } from '@modalflow/onnx';

/**
 * What the IR knows of a value: its element type and its shape. A dim is a number, a symbol
 * such as 'B' that unifies with other uses of it, or null when nothing is known. The rank is
 * always known: every op in the IR has a rank rule.
 */
export interface ValueType {
  dtype: DType;
  shape: Dim[];
}

export const FLOAT_DTYPES: readonly DType[] = ['float32', 'float64', 'float16'];

export function isFloat(dtype: DType): boolean {
  return FLOAT_DTYPES.includes(dtype);
}

export function showShape(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}
