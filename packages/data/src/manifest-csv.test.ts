import { afterEach, describe, expect, it } from 'vitest';
import type { BatchResult } from './batch.ts';
import { openManifest } from './open.ts';
import { diskLoaders, image, npy, png, tempDir, tensor, text } from './testing/fixtures.ts';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());

async function collect(it: AsyncIterable<BatchResult>) {
  const out: BatchResult[] = [];
  for await (const b of it) out.push(b);
  return out;
}

const inputs = [text('caption'), image('img'), tensor('label', 'int64', ['B']), tensor('emb', 'float32', ['B', 3])];

function open(csv: string) {
  tmp = tempDir();
  tmp.write('img/a.png', png(2, 2, 1));
  tmp.write('emb.npy', npy('float32', [3], [1, 2, 3]));
  return openManifest({ text: csv, file: 'data.csv' }, { inputs, ...diskLoaders(tmp.dir) });
}

describe('CSV manifests', () => {
  it('reads quoted texts with commas and newlines, numbers, JSON arrays and .npy paths', async () => {
    const ds = open('caption,img,label,emb\n"a cat, sitting",img/a.png,3,"[0.5, 1, 2]"\n"two\nlines",img/a.png,9007199254740993,emb.npy\n');
    const [b] = await collect(ds.batches({ batchSize: 2, shuffle: false }));
    if (!b?.ok) throw new Error(b?.error.message);
    expect(b.inputs.caption!.data).toEqual(['a cat, sitting', 'two\nlines']);
    expect(b.inputs.img!.dims).toEqual([2, 2, 2, 3]);
    expect(b.inputs.label).toEqual({ dtype: 'int64', dims: [2], data: BigInt64Array.from([3n, 9007199254740993n]) });
    expect(b.inputs.emb).toEqual({ dtype: 'float32', dims: [2, 3], data: Float32Array.from([0.5, 1, 2, 1, 2, 3]) });
  });

  it('numbers rows by the line they start on, past quoted newlines and blank lines', async () => {
    const ds = open('caption,img,label,emb\n"one\ntwo",img/a.png,1,"[1,2,3]"\n\nx,img/a.png,oops,"[1,2,3]"\ny,img/a.png,2\n');
    const results = await collect(ds.batches({ batchSize: 1, shuffle: false }));
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    const [, bad, short] = results;
    if (bad?.ok !== false || short?.ok !== false) throw new Error('expected failures');
    expect(bad.error).toMatchObject({ code: 'MF_DATA_WRONG_TYPE', at: { file: 'data.csv', line: 5, column: 'label' } });
    expect(short.error).toMatchObject({ code: 'MF_DATA_CSV_FIELDS', at: { file: 'data.csv', line: 6 } });
  });

  it('points a bad multi-line row at its first line', async () => {
    const ds = open('caption,img,label,emb\n"one\ntwo\nthree",img/a.png,1.5,"[1,2,3]"\n');
    const [b] = await collect(ds.batches({ batchSize: 1 }));
    expect(b).toMatchObject({ ok: false, error: { code: 'MF_DATA_WRONG_TYPE', at: { line: 2, column: 'label' } } });
  });

  it('reports empty cells and ragged arrays with line and column', async () => {
    const ds = open('caption,img,label,emb\nx,img/a.png,,"[1,2,3]"\nx,img/a.png,1,"[[1,2],[3]]"\n');
    const [b] = await collect(ds.batches({ batchSize: 2, shuffle: false }));
    if (b?.ok !== false) throw new Error('expected a failure');
    expect(b.error.problems.map((p) => [p.code, p.at.path])).toEqual([
      ['MF_DATA_EMPTY_CELL', 'line 2, column "label"'],
      ['MF_DATA_RAGGED', 'line 3, column "emb"'],
    ]);
  });

  it('rejects header faults before any batch', () => {
    const fault = (csv: string) => {
      try {
        open(csv);
      } catch (e) {
        const err = e as { code: string; at: { line?: number; column?: string } };
        return [err.code, err.at.line, err.at.column];
      }
      return undefined;
    };
    expect(fault('')).toEqual(['MF_DATA_CSV_HEADER', 1, undefined]);
    expect(fault('caption,img,,label,emb\n')).toEqual(['MF_DATA_CSV_HEADER', 1, undefined]);
    expect(fault('caption,img,label,emb,caption\n')).toEqual(['MF_DATA_CSV_HEADER', 1, 'caption']);
    expect(fault('caption,img,label,emb,weight\n')).toEqual(['MF_DATA_UNKNOWN_COLUMN', 1, 'weight']);
    expect(fault('caption,img,emb\n')).toEqual(['MF_DATA_MISSING_COLUMN', 1, 'label']);
    expect(fault('caption,img,label,emb\n"x,img/a.png,1,2\n')).toEqual(['MF_DATA_CSV_SYNTAX', 2, undefined]);
  });
});
