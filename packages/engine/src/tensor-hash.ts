import xxhash, { type XXHashAPI } from 'xxhash-wasm';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Tensor } from '@modalflow/core';

let api: XXHashAPI | undefined;
const ready = xxhash().then((a) => (api = a));

/** Resolves once the hash function's WebAssembly is compiled; the engine awaits it in load(). */
export function hashReady(): Promise<unknown> {
  return ready;
}

/**
 * Content key of a tensor (dtype, shape and bytes), the cache key of a graph input. It keys a
 * cache, not a signature, so a fast non-cryptographic hash does: xxh64 under two seeds gives
 * 128 bits at several GB/s, where SHA-256 in JavaScript would cost more than small models run.
 */
export function hashTensor(t: Tensor): string {
  if (!api) throw new Error('hashTensor() called before hashReady() resolved');
  const header = `${t.dtype}[${t.dims.join(',')}]`;
  const a = api.create64(0x9e3779b97f4a7c15n).update(header);
  const b = api.create64(0x632be59bd9b4e019n).update(header);
  if (Array.isArray(t.data)) {
    for (const s of t.data) {
      const chunk = `${s.length}:${s}`;
      a.update(chunk);
      b.update(chunk);
    }
  } else {
    const d = t.data as Exclude<Tensor['data'], string[]>;
    const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    a.update(bytes);
    b.update(bytes);
  }
  return a.digest().toString(16).padStart(16, '0') + b.digest().toString(16).padStart(16, '0');
}

export function tensorBytes(t: Tensor): number {
  if (Array.isArray(t.data)) return t.data.reduce((a, s) => a + s.length * 2 + 16, 0);
  return (t.data as Exclude<Tensor['data'], string[]>).byteLength;
}

/** Keys derived from other keys are short strings, where SHA-256 costs nothing noticeable. */
export function hashString(s: string): string {
  return bytesToHex(sha256(utf8ToBytes(s)));
}
