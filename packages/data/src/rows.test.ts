import { describe, expect, it } from 'vitest';
import type { BatchResult } from './batch.ts';
import { fromRows } from './open.ts';
import { image, tensor } from './testing/fixtures.ts';

async function first(it: AsyncIterable<BatchResult>) {
  for await (const b of it) return b;
  throw new Error('no batch');
}

describe('in-memory rows', () => {
  it('accepts ready tensors and plain values, converting to the input dtype', async () => {
    const pic = (v: number) => ({ dtype: 'uint8' as const, dims: [1, 1, 2, 3], data: new Uint8Array(6).fill(v) });
    const ds = fromRows(
      [
        { img: pic(1), x: { dtype: 'int32', dims: [2], data: Int32Array.from([1, 2]) }, mask: [true, false] },
        { img: pic(2), x: [3, 4.5], mask: [1, 1] },
      ],
      { inputs: [image('img'), tensor('x', 'float32', ['B', 2]), tensor('mask', 'bool', ['B', 2])] },
    );
    const b = await first(ds.batches({ batchSize: 2, shuffle: false }));
    if (!b.ok) throw new Error(b.error.message);
    expect(b.inputs.img).toEqual({ dtype: 'uint8', dims: [2, 1, 2, 3], data: Uint8Array.from([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]) });
    expect(b.inputs.x).toEqual({ dtype: 'float32', dims: [2, 2], data: Float32Array.from([1, 2, 3, 4.5]) });
    expect(b.inputs.mask).toEqual({ dtype: 'bool', dims: [2, 2], data: Uint8Array.from([1, 0, 1, 1]) });
  });

  it('names the generated set and row in errors, and refuses paths without a reader', async () => {
    const ds = fromRows([{ img: 'a.png', x: [1, 2] }, { img: 'b.png', x: [1, 'two'] }], {
      inputs: [image('img'), tensor('x', 'float32', ['B', 2])],
      name: 'generated',
    });
    const b = await first(ds.batches({ batchSize: 2, shuffle: false }));
    if (b.ok) throw new Error('expected a failure');
    expect(b.error.problems.map((p) => [p.code, p.at])).toEqual([
      ['MF_DATA_MISSING_FILE', { file: 'generated', line: 1, column: 'img', rows: [0], path: 'line 1, column "img"' }],
      ['MF_DATA_MISSING_FILE', { file: 'generated', line: 2, column: 'img', rows: [1], path: 'line 2, column "img"' }],
      ['MF_DATA_WRONG_TYPE', { file: 'generated', line: 2, column: 'x', rows: [1], path: 'line 2, column "x"' }],
    ]);
  });

  it('keeps int64 ids beyond 2^53 written as digit strings', async () => {
    const ds = fromRows([{ id: '9007199254740993' }, { id: 7 }], { inputs: [tensor('id', 'int64', ['B'])] });
    const b = await first(ds.batches({ batchSize: 2, shuffle: false }));
    if (!b.ok) throw new Error(b.error.message);
    expect(b.inputs.id).toEqual({ dtype: 'int64', dims: [2], data: BigInt64Array.from([9007199254740993n, 7n]) });
  });

  it('refuses integers outside a narrow dtype and fractions for integer inputs', async () => {
    const ds = fromRows([{ t: [300] }, { t: [1.5] }], { inputs: [tensor('t', 'uint8', ['B', 1])] });
    const b = await first(ds.batches({ batchSize: 2, shuffle: false }));
    if (b.ok) throw new Error('expected a failure');
    expect(b.error.problems.map((p) => p.code)).toEqual(['MF_DATA_WRONG_TYPE', 'MF_DATA_WRONG_TYPE']);
    expect(b.error.problems[0]!.message).toContain('needs an integer in [0, 255]');
  });
});
