import { sha256Hex, type AssetData } from '@modalflow/core';

// The editor and a long-running server compile the same loaded assets again and again; hashing
// a 600 MB model is seconds of pure-JS sha256, so it is done once per loaded byte array.
const hashes = new WeakMap<Uint8Array, string>();

/** The sha256 of an asset's bytes: the one the loader recorded, else computed once and kept. */
export function assetHash(asset: Pick<AssetData, 'bytes' | 'sha256'>): string {
  if (asset.sha256) return asset.sha256;
  let h = hashes.get(asset.bytes);
  if (h === undefined) {
    h = sha256Hex(asset.bytes);
    hashes.set(asset.bytes, h);
  }
  return h;
}
