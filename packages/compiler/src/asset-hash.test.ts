import { describe, expect, it } from 'vitest';
import { assetHash, contentHash128 } from './asset-hash.ts';

describe('assetHash', () => {
  it('uses the recorded sha256, else a content hash computed once per byte array', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, k) => (k * 7) & 255);
    expect(assetHash({ bytes, sha256: 'ab'.repeat(32) })).toBe('ab'.repeat(32));
    const h = assetHash({ bytes });
    expect(h).toMatch(/^mf128-[0-9a-f]{32}$/);
    // Kept for that array: changing it in place (which loaders never do) does not rehash.
    bytes[0] = 99;
    expect(assetHash({ bytes })).toBe(h);
    expect(assetHash({ bytes: bytes.slice() })).not.toBe(h);
  });

  it('changes with any byte, the length and the alignment of the tail', () => {
    const base = Uint8Array.from({ length: 4099 }, (_, k) => (k * 31 + 7) & 255);
    const seen = new Set([contentHash128(base)]);
    for (const at of [0, 1, 2, 3, 4, 1024, 4095, 4096, 4097, 4098]) {
      const b = base.slice();
      b[at] = b[at]! ^ 1;
      seen.add(contentHash128(b));
    }
    for (const len of [0, 1, 4, 15, 16, 17, 4096, 4098]) seen.add(contentHash128(base.subarray(0, len)));
    // An unaligned view reads the same bytes as a copy.
    expect(contentHash128(base.subarray(1, 101))).toBe(contentHash128(base.slice(1, 101)));
    expect(seen.size).toBe(1 + 10 + 8);
    // Zeros of different lengths differ.
    expect(contentHash128(new Uint8Array(16))).not.toBe(contentHash128(new Uint8Array(32)));
  });
});
