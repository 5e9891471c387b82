import { afterEach, describe, expect, it } from 'vitest';
import type { BatchResult } from './batch.ts';
import { fromNpyFolder } from './npy-folder.ts';
import { diskLoaders, image, npy, tempDir, tensor, text } from './testing/fixtures.ts';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());

async function collect(it: AsyncIterable<BatchResult>) {
  const out: BatchResult[] = [];
  for await (const b of it) out.push(b);
  return out;
}

const inputs = [text('caption'), image('img'), tensor('ids', 'int64', ['B', 2])];

function folder(files: Record<string, Uint8Array>) {
  tmp = tempDir();
  for (const [name, bytes] of Object.entries(files)) tmp.write(`set/${name}`, bytes);
  const loaders = diskLoaders(`${tmp.dir}/set`);
  return fromNpyFolder({ folder: 'set', files: Object.keys(files) }, { inputs, readFile: loaders.readFile, decodeNpy: loaders.decodeNpy });
}

const pixels = Array.from({ length: 3 * 2 * 2 * 3 }, (_, i) => i);

describe('.npy folders', () => {
  it('slices every file along its leading axis into examples', async () => {
    const ds = await folder({
      'caption.npy': npy('string', [3], ['a', 'bb', 'ccc']),
      'img.npy': npy('uint8', [3, 2, 2, 3], pixels),
      'ids.npy': npy('int32', [3, 2], [1, 2, 3, 4, 5, 6]),
    });
    expect(ds.size).toBe(3);
    const [b] = await collect(ds.batches({ batchSize: 2, shuffle: false, index: 1 }));
    if (!b?.ok) throw new Error(b?.error.message);
    expect(b.rows).toEqual([2]);
    expect(b.inputs.caption).toEqual({ dtype: 'string', dims: [1], data: ['ccc'] });
    expect(b.inputs.img).toEqual({ dtype: 'uint8', dims: [1, 2, 2, 3], data: Uint8Array.from(pixels.slice(24)) });
    // int32 ids widen to the input's int64.
    expect(b.inputs.ids).toEqual({ dtype: 'int64', dims: [1, 2], data: BigInt64Array.from([5n, 6n]) });
  });

  it('refuses files that disagree on the example count, unknown files and missing inputs', async () => {
    const good = { 'caption.npy': npy('string', [3], ['a', 'b', 'c']), 'img.npy': npy('uint8', [3, 2, 2, 3], pixels) };
    await expect(folder({ ...good, 'ids.npy': npy('int64', [2, 2], [1, 2, 3, 4]) })).rejects.toMatchObject({
      code: 'MF_DATA_LENGTH_MISMATCH',
      at: { file: 'set/ids.npy' },
    });
    await expect(folder({ ...good, 'ids.npy': npy('int64', [3, 2], [1, 2, 3, 4, 5, 6]), 'mask.npy': npy('uint8', [3], [1, 1, 1]) })).rejects.toMatchObject({
      code: 'MF_DATA_UNKNOWN_COLUMN',
      at: { column: 'mask' },
    });
    await expect(folder(good)).rejects.toMatchObject({ code: 'MF_DATA_MISSING_COLUMN', at: { column: 'ids' } });
    await expect(folder({ ...good, 'ids.npy': npy('float32', [3, 2], [1, 2, 3, 4, 5, 6]) })).rejects.toMatchObject({ code: 'MF_DATA_WRONG_TYPE' });
    await expect(folder({ ...good, 'ids.npy': npy('int64', [3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]) })).rejects.toMatchObject({ code: 'MF_DATA_SHAPE' });
  });
});
