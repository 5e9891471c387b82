import { describe, expect, it } from 'vitest';
import type { Tensor } from '@modalflow/core';
import { runNode } from '../testing/index.ts';
import pretrainViews from './pretrain-views.ts';

const int64 = (dims: number[], values: number[]): Tensor => ({ dtype: 'int64', dims, data: BigInt64Array.from(values.map(BigInt)) });
const nums = (t: Tensor) => Array.from(t.data as BigInt64Array, Number);

// Rows: [CLS]=2 words... [SEP]=3, padding 0; eight different captions of 4 to 6 tokens.
const T = 8;
const rows = Array.from({ length: 8 }, (_, r) => {
  const words = Array.from({ length: 2 + (r % 3) }, (_, k) => 10 + ((r * 7 + k * 3) % 30));
  const ids = [2, ...words, 3];
  return [...ids, ...new Array(T - ids.length).fill(0)];
});
const ids = int64([8, T], rows.flat());
const mask = int64([8, T], rows.flat().map((v) => (v ? 1 : 0)));

async function views(params: Record<string, unknown>) {
  const { outputs } = await runNode(pretrainViews, { inputs: { ids, mask }, params });
  return Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, nums(t)])) as Record<string, number[]>;
}

describe('text.pretrain_views', () => {
  it('swaps rows for the next caption, labels ITM and ITC accordingly, masks words and asks MLM only in true pairs', async () => {
    const v = await views({ seed: 3, mismatch: 0.5, mask_rate: 0.3, mask_id: 1 });
    const swapped = v['itm_labels']!.map((l) => l === 0);
    expect(swapped.some(Boolean)).toBe(true);
    expect(swapped.every(Boolean)).toBe(false);
    for (let r = 0; r < 8; r++) {
      const from = swapped[r] ? (r + 1) % 8 : r;
      const got = v['ids']!.slice(r * T, r * T + T);
      const original = rows[from]!;
      expect(v['itc_targets']![r]).toBe(swapped[r] ? -100 : r);
      expect(v['mask']!.slice(r * T, r * T + T)).toEqual(original.map((x) => (x ? 1 : 0)));
      // Every row has at least one masked word, never the first or last token or padding.
      const masked = got.flatMap((x, t) => (x === 1 ? [t] : []));
      expect(masked.length).toBeGreaterThan(0);
      for (const t of masked) {
        expect(t).toBeGreaterThan(0);
        expect(original[t + 1]).not.toBeUndefined();
        expect(original[t]).not.toBe(3);
        expect(original[t]).not.toBe(0);
      }
      got.forEach((x, t) => x !== 1 && expect(x).toBe(original[t]));
      const labels = v['mlm_labels']!.slice(r * T, r * T + T);
      labels.forEach((l, t) => expect(l).toBe(!swapped[r] && masked.includes(t) ? original[t] : -100));
    }
  });

  it('is the same for the same seed and batch, and differs with the seed', async () => {
    const a = await views({ seed: 5 });
    expect(await views({ seed: 5 })).toEqual(a);
    expect(await views({ seed: 6 })).not.toEqual(a);
  });

  it('swaps nothing at mismatch 0 and masks nothing at mask_rate 0', async () => {
    const v = await views({ mismatch: 0, mask_rate: 0 });
    expect(v['itm_labels']).toEqual(new Array(8).fill(1));
    expect(v['itc_targets']).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(v['ids']).toEqual(rows.flat());
  });
});
