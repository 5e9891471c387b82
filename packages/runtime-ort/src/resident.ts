import type { Tensor, TensorData } from '@modalflow/core';
import type { Tensor as OrtTensor, TensorConstructor } from 'onnxruntime-common';
import { fromOrtTensor, tensorProblem, toOrtTensor } from './tensors.ts';

function copyData(d: TensorData): TensorData {
  return (Array.isArray(d) ? [...d] : (d as Exclude<TensorData, string[]>).slice()) as TensorData;
}

/**
 * An ORT tensor with a copy of `t`'s data, to keep in a runtime: the caller may reuse or
 * transfer its array afterwards without changing the value the runtime holds.
 */
export function residentFromHost(Ctor: TensorConstructor, t: Tensor): OrtTensor | string {
  const problem = tensorProblem(t, { untrusted: true });
  if (problem) return problem;
  return toOrtTensor(Ctor, { dtype: t.dtype, dims: [...t.dims], data: copyData(t.data) });
}

/**
 * A host copy of a resident ORT tensor (read back from the GPU when it lives there). Always a
 * copy, so the caller cannot change, or detach by transferring, what the runtime still feeds.
 */
export async function hostFromResident(Ctor: TensorConstructor, t: OrtTensor): Promise<Tensor | string> {
  if (t.location === 'cpu' || t.location === 'cpu-pinned') {
    const view = fromOrtTensor(t);
    return typeof view === 'string' ? view : { ...view, data: copyData(view.data) };
  }
  if (t.location === 'none') return 'the value was released';
  // getData(false) leaves the GPU buffer in place but turns `t` into a CPU tensor over the
  // downloaded array, which later runs then read: the caller gets a copy, so that moving or
  // changing it cannot detach or alter what the runtime still feeds.
  const data = (await t.getData(false)) as unknown as TensorData;
  return fromOrtTensor(new Ctor(t.type as never, copyData(data) as never, t.dims));
}
