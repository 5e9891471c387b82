import type { AssetData } from '@modalflow/core';

// The editor and a long-running server compile the same loaded assets again and again, so a
// hash is computed once per loaded byte array and kept.
const hashes = new WeakMap<Uint8Array, string>();

/**
 * The content hash that keys an asset's stage in the engine's cache: the sha256 the loader
 * recorded (the command line hashes files with node:crypto as it reads them), else a 128-bit
 * content hash computed once per byte array. Pure-JS sha256 takes many seconds over a 600 MB
 * model, while this reads it at memory speed; it guards against stale cache entries, not
 * against forgery, and its prefix keeps it apart from sha256 values.
 */
export function assetHash(asset: Pick<AssetData, 'bytes' | 'sha256'>): string {
  if (asset.sha256) return asset.sha256;
  let h = hashes.get(asset.bytes);
  if (h === undefined) {
    h = `mf128-${contentHash128(asset.bytes)}`;
    hashes.set(asset.bytes, h);
  }
  return h;
}

const fmix = (h: number) => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

/** Four independent 32-bit lanes of multiply-rotate mixing (MurmurHash3's x86_128 rounds, simplified), hex. */
export function contentHash128(bytes: Uint8Array): string {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >>> 2);
  let h1 = 0x6a09e667 | 0;
  let h2 = 0xbb67ae85 | 0;
  let h3 = 0x3c6ef372 | 0;
  let h4 = 0xa54ff53a | 0;
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const c3 = 0x38b34ae5;
  const c4 = 0xa1e38b93;
  const n = words.length & ~3;
  for (let k = 0; k < n; k += 4) {
    let k1 = Math.imul(words[k]!, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    h1 ^= Math.imul(k1, c2);
    h1 = (((h1 << 19) | (h1 >>> 13)) + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    let k2 = Math.imul(words[k + 1]!, c2);
    k2 = (k2 << 16) | (k2 >>> 16);
    h2 ^= Math.imul(k2, c3);
    h2 = (((h2 << 17) | (h2 >>> 15)) + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    let k3 = Math.imul(words[k + 2]!, c3);
    k3 = (k3 << 17) | (k3 >>> 15);
    h3 ^= Math.imul(k3, c4);
    h3 = (((h3 << 15) | (h3 >>> 17)) + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    let k4 = Math.imul(words[k + 3]!, c4);
    k4 = (k4 << 18) | (k4 >>> 14);
    h4 ^= Math.imul(k4, c1);
    h4 = (((h4 << 13) | (h4 >>> 19)) + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  // The words after the last full block and the bytes after the last word, each in its own lane.
  for (let k = n; k < words.length; k++) h1 = Math.imul(h1 ^ words[k]!, c1) ^ (k - n);
  for (let k = words.length * 4; k < aligned.length; k++) h2 = Math.imul(h2 ^ aligned[k]!, c2);
  const len = aligned.length;
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= Math.floor(len / 2 ** 32);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  return [h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
}
