import { readFile } from 'node:fs/promises';
import { ModalflowError, type DType, type Location, type Tensor } from '@modalflow/core';
import type { Cell } from '@modalflow/eval';
import { decodeImage } from '@modalflow/node-io';

/** A cell that is a feature matrix, with its shape (rows do not carry shapes). */
export interface ShapedFloats {
  data: Float32Array;
  dims: number[];
}

/**
 * Turns one row's cell into a batch-of-one tensor for a graph input: a file path of an image
 * input is decoded, text becomes a string, features keep their shape.
 */
export async function cellTensor(cell: Cell | ShapedFloats, input: { name: string; dtype: DType; kind: string }, at: Location): Promise<Tensor> {
  if (typeof cell === 'string') {
    if (input.kind === 'image' || input.dtype === 'uint8') {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(cell));
      } catch {
        throw new ModalflowError('MF_DATA_MISSING_FILE', `image "${cell}" for input "${input.name}" cannot be read`, at);
      }
      return decodeImage(bytes, cell);
    }
    return { dtype: 'string', dims: [1], data: [cell] };
  }
  if (cell && typeof cell === 'object' && 'dims' in cell && cell.data instanceof Float32Array) {
    return { dtype: 'float32', dims: [1, ...cell.dims], data: cell.data };
  }
  if (typeof cell === 'number' || typeof cell === 'boolean') {
    const v = Number(cell);
    if (input.dtype === 'int64') return { dtype: 'int64', dims: [1], data: new BigInt64Array([BigInt(Math.trunc(v))]) };
    return { dtype: 'float32', dims: [1], data: new Float32Array([v]) };
  }
  throw new ModalflowError('MF_BAD_INPUT', `input "${input.name}" cannot take this column's values`, at);
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return a.dtype === b.dtype && a.dims.length === b.dims.length && a.dims.every((d, i) => i === 0 || d === b.dims[i]);
}

/** Whether two batch-of-one tensors can share a batch (same dtype and sizes past the batch axis). */
export function stackable(a: Tensor, b: Tensor): boolean {
  return sameShape(a, b);
}

/** Concatenates batch-of-one tensors along the batch axis. */
export function stack(parts: Tensor[]): Tensor {
  const first = parts[0]!;
  const dims = [parts.reduce((n, p) => n + p.dims[0]!, 0), ...first.dims.slice(1)];
  if (first.dtype === 'string') return { dtype: 'string', dims, data: parts.flatMap((p) => p.data as string[]) };
  const total = parts.reduce((n, p) => n + p.data.length, 0);
  const Ctor = (first.data as Float32Array).constructor as new (n: number) => Exclude<Tensor['data'], string[]>;
  const out = new Ctor(total);
  let offset = 0;
  for (const p of parts) {
    (out as Float32Array).set(p.data as Float32Array, offset);
    offset += p.data.length;
  }
  return { dtype: first.dtype, dims, data: out };
}

/** A float view of a numeric output tensor. */
export function floats(t: Tensor, name: string): Float32Array {
  if (t.dtype === 'float32') return t.data as Float32Array;
  if (t.dtype === 'string' || t.dtype === 'float16') throw new ModalflowError('MF_BAD_OUTPUT', `output "${name}" is ${t.dtype}, not scores`, {});
  return Float32Array.from(t.data as ArrayLike<number | bigint>, Number);
}
