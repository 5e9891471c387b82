import type { Tensor, TensorData } from '@modalflow/core';

/**
 * A view can hand its memory to another thread only when it spans its whole ArrayBuffer:
 * transferring detaches the buffer, and with it every other view on the same memory, which
 * the caller never asked to give up. SharedArrayBuffer memory crosses without a copy anyway.
 */
export function ownsWholeBuffer(v: ArrayBufferView): boolean {
  return v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength;
}

function isShared(v: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer;
}

/** A copy of `v` in a buffer of its own, same class, so it can be transferred. */
function compactCopy<T extends ArrayBufferView>(v: T): T {
  const Ctor = v.constructor as new (b: ArrayBuffer) => T;
  return new Ctor(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer);
}

export interface Packed<T> {
  /** What to post: the same values, with partial views replaced by compact copies. */
  value: T;
  /** Buffers to move rather than copy (no duplicates: postMessage rejects those). */
  transfer: ArrayBuffer[];
}

function packData(data: TensorData, transfer: Set<ArrayBuffer>, copyAll: boolean): { data: TensorData; moved: boolean } {
  if (!ArrayBuffer.isView(data) || isShared(data)) return { data, moved: false };
  if (!copyAll && ownsWholeBuffer(data)) {
    transfer.add(data.buffer as ArrayBuffer);
    return { data, moved: true };
  }
  const copy = compactCopy(data);
  transfer.add(copy.buffer as ArrayBuffer);
  return { data: copy, moved: false };
}

export interface PackedFeeds extends Packed<Record<string, Tensor>> {
  /** Feeds whose own buffer is moving; the worker sends their data back to re-attach. */
  moved: string[];
}

/**
 * Prepares feeds for postMessage. Whole-buffer tensors are moved; views on a bigger buffer are
 * copied first, since moving their buffer would detach memory outside the tensor. `copyAll`
 * copies everything (for memory that refuses to be transferred, such as a wasm heap).
 */
export function packFeeds(feeds: Record<string, Tensor>, copyAll = false): PackedFeeds {
  const transfer = new Set<ArrayBuffer>();
  const value: Record<string, Tensor> = {};
  const moved: string[] = [];
  for (const [name, t] of Object.entries(feeds)) {
    if (!t || typeof t !== 'object') {
      value[name] = t;
      continue;
    }
    const p = packData(t.data, transfer, copyAll || Object.isFrozen(t));
    value[name] = { dtype: t.dtype, dims: t.dims, data: p.data };
    if (p.moved) moved.push(name);
  }
  return { value, transfer: [...transfer], moved };
}

/** Prepares results for postMessage; the sender keeps nothing, so every whole buffer moves. */
export function packTensors(tensors: Record<string, Tensor>): Packed<Record<string, Tensor>> {
  const transfer = new Set<ArrayBuffer>();
  const value: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(tensors)) value[name] = { ...t, data: packData(t.data, transfer, false).data };
  return { value, transfer: [...transfer] };
}

/** Data arrays to send back to their owner, with the buffers they move in. */
export function packReturned(data: Record<string, TensorData>): Packed<Record<string, TensorData>> {
  const transfer = new Set<ArrayBuffer>();
  for (const d of Object.values(data)) if (ArrayBuffer.isView(d) && ownsWholeBuffer(d)) transfer.add(d.buffer as ArrayBuffer);
  return { value: data, transfer: [...transfer] };
}

/**
 * Points the caller's tensors at their memory, back from the worker. The original typed arrays
 * stay detached (that is what moving means), but the tensor objects the caller and the engine's
 * cache hold are whole again.
 */
export function reattach(feeds: Record<string, Tensor>, moved: readonly string[], returned: Record<string, TensorData> | undefined): void {
  if (!returned) return;
  for (const name of moved) {
    const t = feeds[name];
    const d = returned[name];
    if (t && d) t.data = d;
  }
}

/** Model bytes to post: moved when they own their buffer, otherwise copied out first. */
export function packModel(model: Uint8Array, copy: boolean): Packed<Uint8Array> {
  if (!copy && ownsWholeBuffer(model)) return { value: model, transfer: [model.buffer as ArrayBuffer] };
  if (isShared(model)) return { value: model, transfer: [] };
  const own = compactCopy(model);
  return { value: own, transfer: [own.buffer as ArrayBuffer] };
}

/**
 * Tensor bytes a link carried between the page and the host. Kept so that what a run costs in
 * copies can be checked, not assumed: a run fed resident values should carry only the rest.
 */
export interface Traffic {
  /** Tensor data sent to the host: run feeds and uploads. */
  sentBytes: number;
  /** Tensor data received from the host: run outputs and downloads. */
  receivedBytes: number;
  runs: number;
  /** Feeds given as resident values, which carry no data. */
  residentFeeds: number;
}

export function emptyTraffic(): Traffic {
  return { sentBytes: 0, receivedBytes: 0, runs: 0, residentFeeds: 0 };
}

/** Bytes of tensor data in `tensors` (a string tensor counts its UTF-16 code units twice). */
export function tensorBytes(tensors: Iterable<Tensor | undefined>): number {
  let n = 0;
  for (const t of tensors) {
    if (!t) continue;
    if (ArrayBuffer.isView(t.data)) n += t.data.byteLength;
    else if (Array.isArray(t.data)) for (const s of t.data) n += 2 * String(s).length;
  }
  return n;
}
