import { describe, expect, it } from 'vitest';
import { fewShot } from './few-shot.ts';
import { fromRows } from './open.ts';
import { tensor, text } from './testing/fixtures.ts';

const inputs = [text('caption'), tensor('label', 'int64', ['B'])];
// Classes 0, 1, 2 in turn, class 2 only twice.
const labels = [0, 1, 2, 0, 1, 0, 1, 2, 0, 1, 0];
const ds = fromRows(labels.map((label, i) => ({ caption: `c${i}`, label })), { inputs });

describe('few-shot subsets', () => {
  it('keeps the first k examples of each class, in data order, fewer where a class has fewer', async () => {
    const few = await fewShot(ds, 3, 'rows');
    expect(few.rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect((await fewShot(ds, 1, 'rows')).rows).toEqual([0, 1, 2]);
  });

  it('needs exactly one integer input to read classes from, and names the setting that asked', async () => {
    const none = fromRows([{ caption: 'a' }], { inputs: [text('caption')] });
    await expect(fewShot(none, 1, 'rows.jsonl')).rejects.toThrow(/--shots needs exactly one integer input .* has 0 \(none\)/);
    const two = fromRows([{ a: 1, b: 2 }], { inputs: [tensor('a', 'int64', ['B']), tensor('b', 'int32', ['B'])] });
    await expect(fewShot(two, 1, 'rows.jsonl', 'examples per class')).rejects.toThrow(/MF_DATA_FEW_SHOT: examples per class needs exactly one integer input .* has 2 \(a, b\)/);
  });
});
