import type { DType, Tensor, TensorData } from '@modalflow/core';
import type { InferenceSession, Tensor as OrtTensor, TensorConstructor } from 'onnxruntime-common';

const DTYPES: readonly DType[] = ['float32', 'float64', 'float16', 'int64', 'int32', 'int8', 'uint8', 'bool', 'string'];

export function isCoreDType(type: string): type is DType {
  return (DTYPES as readonly string[]).includes(type);
}

/** The array class each dtype must arrive in; ORT's Tensor wraps these without copying. */
const EXPECTED: Record<Exclude<DType, 'string'>, { name: string; ok: (d: unknown) => boolean }> = {
  float32: { name: 'Float32Array', ok: (d) => d instanceof Float32Array },
  float64: { name: 'Float64Array', ok: (d) => d instanceof Float64Array },
  float16: { name: 'Uint16Array (float16 bits)', ok: (d) => d instanceof Uint16Array },
  int64: { name: 'BigInt64Array', ok: (d) => d instanceof BigInt64Array },
  int32: { name: 'Int32Array', ok: (d) => d instanceof Int32Array },
  int8: { name: 'Int8Array', ok: (d) => d instanceof Int8Array },
  uint8: { name: 'Uint8Array', ok: (d) => d instanceof Uint8Array },
  bool: { name: 'Uint8Array (0/1)', ok: (d) => d instanceof Uint8Array },
};

export interface TensorChecks {
  /**
   * A tensor that crossed postMessage was never seen by a type checker, and its buffer may have
   * been transferred away meanwhile: also reject values that are not tensor-shaped and data that
   * is detached, instead of failing on them with a TypeError or a misleading length.
   */
  untrusted?: boolean;
}

/**
 * Why `t` cannot be handed to onnxruntime as is, or undefined when it can. Checked up front so
 * the message names the port instead of surfacing ORT's generic constructor error.
 */
export function tensorProblem(t: Tensor, checks: TensorChecks = {}): string | undefined {
  const untrusted = checks.untrusted === true;
  if (untrusted && (!t || typeof t !== 'object')) return 'not a tensor';
  if (!isCoreDType(t.dtype)) return `unknown dtype "${String(t.dtype)}"`;
  if (untrusted && !Array.isArray(t.dims)) return 'dims must be an array';
  let n = 1;
  for (const d of t.dims) {
    if (!Number.isInteger(d) || d < 0) return `invalid dims [${t.dims.join(', ')}]`;
    n *= d;
  }
  if (t.dtype === 'string') {
    if (!Array.isArray(t.data)) return 'a string tensor needs a string[]';
  } else if (!EXPECTED[t.dtype].ok(t.data)) {
    return `a ${t.dtype} tensor needs a ${EXPECTED[t.dtype].name}, got ${describeArray(t.data)}`;
  }
  if (untrusted && ArrayBuffer.isView(t.data) && t.data.buffer.byteLength === 0 && n > 0) {
    return 'its data is detached (its ArrayBuffer was transferred to another thread)';
  }
  if (t.data.length !== n) return `dims [${t.dims.join(', ')}] need ${n} values, got ${t.data.length}`;
  return undefined;
}

function describeArray(d: unknown): string {
  if (Array.isArray(d)) return 'an Array';
  if (ArrayBuffer.isView(d)) return (d as object).constructor.name;
  return typeof d;
}

/**
 * Wraps a core tensor for onnxruntime; the data buffer is shared, not copied. `Ctor` is the
 * `Tensor` of the onnxruntime build in use, so this module loads neither the native addon nor
 * the wasm one.
 */
export function toOrtTensor(Ctor: TensorConstructor, t: Tensor): OrtTensor {
  const problem = tensorProblem(t);
  if (problem) throw new TypeError(problem);
  // ORT keeps typed arrays by reference when their class matches the dtype, and views a
  // Uint16Array as Float16Array where that class exists, so no element is copied.
  return new Ctor(t.dtype, t.data as never, t.dims);
}

/**
 * Wraps an onnxruntime tensor as a core tensor without copying its data. Returns a string
 * instead when it cannot (an element type core lacks such as float64, data left on the GPU),
 * so the caller can name the output in its error.
 */
export function fromOrtTensor(t: OrtTensor): Tensor | string {
  if (!isCoreDType(t.type)) return `element type ${t.type} has no ModalFlow dtype (supported: ${DTYPES.join(', ')})`;
  if (t.location !== 'cpu' && t.location !== 'cpu-pinned') return `tensor lives on "${t.location}", not in host memory`;
  let data = t.data as TensorData;
  // Where Float16Array exists ORT returns float16 in it; core carries the raw bits, so the same
  // memory is reinterpreted as Uint16Array.
  if (t.type === 'float16' && !(data instanceof Uint16Array)) {
    const v = data as unknown as ArrayBufferView & { length: number };
    data = new Uint16Array(v.buffer, v.byteOffset, v.length);
  }
  return { dtype: t.type, dims: [...t.dims], data };
}

/** Why `t` does not fit the model's declared input, or undefined when it does. */
export function shapeProblem(t: { dtype: string; dims: readonly number[] }, meta: InferenceSession.ValueMetadata): string | undefined {
  if (!meta.isTensor) return undefined;
  if (meta.type !== t.dtype) return `the model expects ${meta.type}, got ${t.dtype}`;
  const want = meta.shape;
  if (want.length !== t.dims.length) {
    return `the model expects rank ${want.length} [${want.join(', ')}], got dims [${t.dims.join(', ')}]`;
  }
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (typeof w === 'number' && w !== t.dims[i]) {
      return `dimension ${i} must be ${w} (model shape [${want.join(', ')}]), got dims [${t.dims.join(', ')}]`;
    }
  }
  return undefined;
}
