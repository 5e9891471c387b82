import * as ort from 'onnxruntime-node';
import type { Tensor } from '@modalflow/core';
import { toOrtTensor as wrap } from '@modalflow/runtime-ort';

export { fromOrtTensor } from '@modalflow/runtime-ort';

/** Wraps a core tensor for onnxruntime-node; the data buffer is shared, not copied. */
export function toOrtTensor(t: Tensor): ort.Tensor {
  return wrap(ort.Tensor, t);
}
