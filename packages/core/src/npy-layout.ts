/**
 * What NumPy does when it loads an array whose bytes are not little-endian C order: swap each
 * element's bytes, and lay a Fortran-order (column-major) array out row-major. Both work on
 * raw element bytes, so every dtype shares them.
 */

/** Reverses the bytes of each `size`-byte element, in place. */
export function swapBytes(raw: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let at = 0; at + size <= raw.length; at += size) raw.subarray(at, at + size).reverse();
}

/** The elements of a column-major array of `shape`, copied into row-major order. */
export function fortranToC(raw: Uint8Array<ArrayBuffer>, shape: readonly number[], size: number): Uint8Array<ArrayBuffer> {
  const n = shape.reduce((a, d) => a * d, 1);
  if (shape.length < 2 || n === 0) return raw;
  // Column-major strides (in elements): the first axis varies fastest.
  const strides: number[] = [];
  shape.reduce((s, d, k) => ((strides[k] = s), s * d), 1);
  const out = new Uint8Array(n * size);
  const index = new Array<number>(shape.length).fill(0);
  let from = 0;
  for (let i = 0; i < n; i++) {
    out.set(raw.subarray(from * size, from * size + size), i * size);
    // Next row-major multi-index: the last axis varies fastest.
    for (let k = shape.length - 1; k >= 0; k--) {
      index[k]!++;
      from += strides[k]!;
      if (index[k]! < shape[k]!) break;
      from -= strides[k]! * shape[k]!;
      index[k] = 0;
    }
  }
  return out;
}
