import { describe, expect, it } from 'vitest';
import { fromRows } from './open.ts';
import { tensor, text } from './testing/fixtures.ts';

const inputs = [text('caption'), tensor('score', 'float32', ['B'])];
const ds = fromRows(Array.from({ length: 10 }, (_, i) => ({ caption: `c${i}`, score: i })), { inputs });

describe('subset', () => {
  it('keeps the given rows of the source, in the order given, and batches only them', async () => {
    const picked = ds.subset([7, 2]);
    expect(picked.size).toBe(2);
    const b = await picked.loadBatch(0, 0, [...picked.rows]);
    expect(b.ok && b.inputs['caption']!.data).toEqual(['c7', 'c2']);
  });

  it('refuses a row that is not in the dataset', () => {
    const train = ds.split({ heldOut: 2, seed: 0 }).train;
    const outside = ds.rows.find((r) => !train.rows.includes(r))!;
    expect(() => train.subset([outside])).toThrow(new RegExp(`row ${outside} is not a row of this dataset`));
  });
});
