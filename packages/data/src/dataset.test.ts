import { describe, expect, it } from 'vitest';
import type { BatchResult } from './batch.ts';
import { fromRows } from './open.ts';
import { tensor, text } from './testing/fixtures.ts';

const inputs = [text('caption'), tensor('score', 'float32', ['B'])];
const rows = Array.from({ length: 23 }, (_, i) => ({ caption: `c${i}`, score: i }));
const ds = fromRows(rows, { inputs });

async function collect(it: AsyncIterable<BatchResult>) {
  const out: BatchResult[] = [];
  for await (const b of it) out.push(b);
  return out;
}

const captions = (b: BatchResult) => (b.ok ? (b.inputs.caption!.data as string[]) : []);

describe('split', () => {
  it('holds out a fraction deterministically, disjoint and complete', () => {
    const a = ds.split({ heldOut: 0.2, seed: 5 });
    const b = ds.split({ heldOut: 0.2, seed: 5 });
    expect(a.eval.size).toBe(5);
    expect(a.train.size).toBe(18);
    expect(a.eval.rows).toEqual(b.eval.rows);
    expect([...a.train.rows, ...a.eval.rows].sort((x, y) => x - y)).toEqual(ds.rows);
    expect(a.train.rows).toEqual([...a.train.rows].sort((x, y) => x - y));
    expect(ds.split({ heldOut: 0.2, seed: 6 }).eval.rows).not.toEqual(a.eval.rows);
  });

  it('takes a count of rows and refuses impossible requests', () => {
    expect(ds.split({ heldOut: 3 }).eval.size).toBe(3);
    expect(ds.split({ heldOut: 0 }).eval.size).toBe(0);
    expect(() => ds.split({ heldOut: 30 })).toThrow(expect.objectContaining({ code: 'MF_DATA_BAD_OPTION' }));
    expect(() => ds.split({ heldOut: 2.5 })).toThrow(expect.objectContaining({ code: 'MF_DATA_BAD_OPTION' }));
  });

  it('batches a split only from its own rows, keeping manifest row numbers', async () => {
    const { eval: held } = ds.split({ heldOut: 4, seed: 1 });
    const batches = await collect(held.batches({ batchSize: 3, seed: 9 }));
    expect(batches.flatMap((b) => b.rows).sort((x, y) => x - y)).toEqual([...held.rows]);
    for (const b of batches) expect(captions(b)).toEqual(b.rows.map((r) => `c${r}`));
  });
});

describe('batches', () => {
  it('covers every row once per epoch, in a seeded order that changes by epoch', async () => {
    const e0 = await collect(ds.batches({ batchSize: 5, seed: 1, epoch: 0 }));
    const e1 = await collect(ds.batches({ batchSize: 5, seed: 1, epoch: 1 }));
    expect(e0.map((b) => b.rows.length)).toEqual([5, 5, 5, 5, 3]);
    expect(e0.flatMap((b) => b.rows).sort((x, y) => x - y)).toEqual(ds.rows);
    expect(e0.flatMap((b) => b.rows)).not.toEqual(e1.flatMap((b) => b.rows));
    expect(e0.map((b) => [b.epoch, b.index])).toEqual([[0, 0], [0, 1], [0, 2], [0, 3], [0, 4]]);
    const again = await collect(ds.batches({ batchSize: 5, seed: 1, epoch: 0 }));
    expect(again.map((b) => b.rows)).toEqual(e0.map((b) => b.rows));
  });

  it('stacks values per input with the batch axis first', async () => {
    const [b] = await collect(ds.batches({ batchSize: 4, shuffle: false }));
    if (!b?.ok) throw new Error('expected a batch');
    expect(b.rows).toEqual([0, 1, 2, 3]);
    expect(b.inputs.caption).toEqual({ dtype: 'string', dims: [4], data: ['c0', 'c1', 'c2', 'c3'] });
    expect(b.inputs.score).toEqual({ dtype: 'float32', dims: [4], data: Float32Array.from([0, 1, 2, 3]) });
  });

  it('resumes at (epoch, index) with exactly the batches an uninterrupted run gives', async () => {
    const opts = { batchSize: 4, seed: 77, epochs: 3 };
    const full = await collect(ds.batches(opts));
    expect(full).toHaveLength(18);
    const resumed = await collect(ds.batches({ ...opts, epoch: 1, index: 2 }));
    const tail = full.filter((b) => b.epoch > 1 || (b.epoch === 1 && b.index >= 2));
    expect(resumed.map((b) => [b.epoch, b.index, b.rows])).toEqual(tail.map((b) => [b.epoch, b.index, b.rows]));
    expect(resumed.map(captions)).toEqual(tail.map(captions));
  });

  it('drops a short last batch on request and keeps order without shuffle', async () => {
    const kept = await collect(ds.batches({ batchSize: 5, dropLast: true, shuffle: false }));
    expect(kept.map((b) => b.rows)).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19]]);
    expect(ds.batchCount({ batchSize: 5, dropLast: true })).toBe(4);
    expect(ds.batchCount({ batchSize: 5 })).toBe(5);
  });

  it('yields nothing, and ends, when no full batch fits even with epochs: Infinity', async () => {
    const small = fromRows(rows.slice(0, 3), { inputs });
    expect(await collect(small.batches({ batchSize: 4, dropLast: true, epochs: Infinity }))).toEqual([]);
  });

  it('loads the next batch ahead while the caller works, without changing the batches', async () => {
    const reads: string[] = [];
    const files = fromRows(
      rows.map((r) => ({ caption: r.caption, score: `${r.caption}.npy` })),
      {
        inputs,
        readFile: async (p) => {
          reads.push(p);
          return new Uint8Array();
        },
        decodeNpy: (_bytes, file) => ({ dtype: 'float32', dims: [], data: Float32Array.of(Number(file.slice(1, -4))) }),
      },
    );
    const opts = { batchSize: 5, seed: 3 };
    const iter = files.batches(opts)[Symbol.asyncIterator]();
    const head = await iter.next();
    await new Promise((r) => setTimeout(r, 0));
    expect(reads).toHaveLength(10);
    await iter.return(undefined);
    const ahead = await collect(files.batches({ ...opts, epochs: 2 }));
    const plain = await collect(files.batches({ ...opts, epochs: 2, prefetch: 0 }));
    expect(ahead.map((b) => [b.rows, b.ok && b.inputs.score!.data])).toEqual(plain.map((b) => [b.rows, b.ok && b.inputs.score!.data]));
    expect(head.value).toEqual(plain[0]);
  });

  it('refuses a batch size that is not a whole positive number', async () => {
    await expect(collect(ds.batches({ batchSize: 0 }))).rejects.toMatchObject({ code: 'MF_DATA_BAD_OPTION' });
    await expect(collect(ds.batches({ batchSize: 1.5 }))).rejects.toMatchObject({ code: 'MF_DATA_BAD_OPTION' });
  });
});
