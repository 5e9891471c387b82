import { afterEach, describe, expect, it } from 'vitest';
import type { BatchResult } from './batch.ts';
import { openManifest } from './open.ts';
import { diskLoaders, image, npy, png, tempDir, tensor, text } from './testing/fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
afterEach(() => tmp?.cleanup());

async function collect(it: AsyncIterable<BatchResult>) {
  const out: BatchResult[] = [];
  for await (const b of it) out.push(b);
  return out;
}

const inputs = [text('caption'), image('img'), tensor('ids', 'int64', ['B', 3]), tensor('feat', 'float32', ['B', 2])];

function open(lines: string[]) {
  tmp = tempDir();
  tmp.write('pics/a.png', png(4, 3, 10));
  tmp.write('pics/b.png', png(4, 3, 20));
  tmp.write('pics/small.png', png(2, 2));
  tmp.write('f0.npy', npy('float64', [2], [0.5, -1]));
  const file = tmp.write('train.jsonl', lines.join('\n'));
  return openManifest({ text: lines.join('\n'), file }, { inputs, ...diskLoaders(tmp.dir) });
}

const row = (caption: string, img: string, ids: unknown, feat: unknown) => JSON.stringify({ caption, img, ids, feat });

describe('JSONL manifests', () => {
  it('decodes texts, images relative to the manifest, arrays and .npy paths into batch tensors', async () => {
    const ds = open([row('a cat', 'pics/a.png', [1, 2, 3], 'f0.npy'), '', row('a dog', 'pics/b.png', [4, 5, '9007199254740993'], [3, 4])]);
    expect(ds.size).toBe(2);
    const [b] = await collect(ds.batches({ batchSize: 2, shuffle: false }));
    if (!b?.ok) throw new Error(b?.error.message);
    expect(b.inputs.caption).toEqual({ dtype: 'string', dims: [2], data: ['a cat', 'a dog'] });
    expect(b.inputs.img!.dims).toEqual([2, 3, 4, 3]);
    const px = b.inputs.img!.data as Uint8Array;
    // Pixel (y=2, x=3) of the second picture: (20 + 2, 3, 7).
    expect([...px.subarray(36 + (2 * 4 + 3) * 3, 36 + (2 * 4 + 3) * 3 + 3)]).toEqual([22, 3, 7]);
    expect(b.inputs.ids).toEqual({ dtype: 'int64', dims: [2, 3], data: BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 9007199254740993n]) });
    expect(b.inputs.feat).toEqual({ dtype: 'float32', dims: [2, 2], data: Float32Array.from([0.5, -1, 3, 4]) });
  });

  it('reports a missing file with manifest, line and column, in its batch only', async () => {
    const ds = open([row('ok', 'pics/a.png', [1, 2, 3], [1, 2]), row('bad', 'pics/nope.png', [1, 2, 3], [1, 2])]);
    const [first, second] = await collect(ds.batches({ batchSize: 1, shuffle: false }));
    expect(first?.ok).toBe(true);
    expect(second?.ok).toBe(false);
    if (second?.ok !== false) return;
    expect(second.rows).toEqual([1]);
    expect(second.error.code).toBe('MF_DATA_MISSING_FILE');
    expect(second.error.at).toMatchObject({ file: tmp.dir + '/train.jsonl', line: 2, column: 'img', rows: [1] });
    expect(second.error.message).toContain('pics/nope.png');
    expect(second.error.message).toContain('line 2, column "img"');
  });

  it('names every bad row of a batch: wrong type, ragged array, unknown and missing columns, bad JSON', async () => {
    const ds = open([
      row('x', 'pics/a.png', [1, 2, 3], [1, 2]),
      JSON.stringify({ caption: 5, img: 'pics/a.png', ids: [1, 2, 3], feat: [1, 2] }),
      row('x', 'pics/a.png', [[1, 2], [3]], [1, 2]),
      JSON.stringify({ caption: 'x', img: 'pics/a.png', ids: [1, 2, 3], feat: [1, 2], extra: 1 }),
      JSON.stringify({ caption: 'x', img: 'pics/a.png', ids: [1, 2, 3] }),
      '{"caption": "x",',
      row('x', 'pics/a.png', [1.5, 2, 3], [1, 2]),
      row('x', 'pics/a.png', [1, 2, 3, 4], [1, 2]),
    ]);
    const [b] = await collect(ds.batches({ batchSize: 8, shuffle: false }));
    if (b?.ok !== false) throw new Error('expected a failed batch');
    const found = b.error.problems.map((p) => [p.code, (p.at as { line?: number }).line, (p.at as { column?: string }).column]);
    expect(found).toEqual([
      ['MF_DATA_WRONG_TYPE', 2, 'caption'],
      ['MF_DATA_RAGGED', 3, 'ids'],
      ['MF_DATA_UNKNOWN_COLUMN', 4, 'extra'],
      ['MF_DATA_MISSING_COLUMN', 5, 'feat'],
      ['MF_DATA_JSON_SYNTAX', 6, undefined],
      ['MF_DATA_WRONG_TYPE', 7, 'ids'],
      ['MF_DATA_SHAPE', 8, 'ids'],
    ]);
    expect(b.error.problems[1]!.message).toContain('ragged array: [1] has 1 items, but [0] has 2');
    expect(await ds.check()).toHaveLength(7);
  });

  it('refuses a batch whose images differ in size, naming the rows and sizes', async () => {
    const ds = open([row('x', 'pics/a.png', [1, 2, 3], [1, 2]), row('y', 'pics/small.png', [1, 2, 3], [1, 2]), row('z', 'pics/b.png', [1, 2, 3], [1, 2])]);
    const [b] = await collect(ds.batches({ batchSize: 3, shuffle: false }));
    if (b?.ok !== false) throw new Error('expected a failed batch');
    expect(b.error.code).toBe('MF_DATA_IMAGE_SIZE');
    expect(b.error.at).toMatchObject({ column: 'img', rows: [0, 1, 2] });
    expect(b.error.message).toContain('3×4×3: line 1; line 3');
    expect(b.error.message).toContain('2×2×3: line 2');
  });

  it('lets extra columns through when asked, and tells formats apart by name', () => {
    tmp = tempDir();
    const ds = openManifest({ text: '{"caption": "x", "id": 7}', file: 'd.ndjson' }, { inputs: [text('caption')], extraColumns: 'ignore' });
    expect(ds.size).toBe(1);
    expect(() => openManifest({ text: '', file: 'd.txt' }, { inputs })).toThrow(expect.objectContaining({ code: 'MF_DATA_FORMAT' }));
  });
});
