import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Tensor } from '@modalflow/core';

/** Content hash of a tensor (dtype, shape and bytes): the cache key of a graph input. */
export function hashTensor(t: Tensor): string {
  const h = sha256.create();
  h.update(utf8ToBytes(`${t.dtype}[${t.dims.join(',')}]`));
  if (Array.isArray(t.data)) {
    for (const s of t.data) {
      const b = utf8ToBytes(s);
      h.update(new Uint8Array(new Uint32Array([b.length]).buffer));
      h.update(b);
    }
  } else {
    const d = t.data as Exclude<Tensor['data'], string[]>;
    h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return bytesToHex(h.digest());
}

export function tensorBytes(t: Tensor): number {
  if (Array.isArray(t.data)) return t.data.reduce((a, s) => a + s.length * 2 + 16, 0);
  return (t.data as Exclude<Tensor['data'], string[]>).byteLength;
}

export function hashString(s: string): string {
  return bytesToHex(sha256(utf8ToBytes(s)));
}
