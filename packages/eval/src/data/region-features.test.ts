import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { writeNpy } from '@modalflow/core';
import { readRegionNpy, readRegionNpz, readRegionTsv } from './region-features.ts';
import { caught, chunked, fixtureBytes, fixtureText } from '../testing/fixtures.ts';

/** What make_samples.py wrote: feature[i, j] = image + i / 10 + j / 100, box k = [k, k+1, k+10, k+20]. */
function expected(image: number, n: number, dim: number) {
  const f = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) f[i * dim + j] = image + i / 10 + j / 100;
  const b = new Float32Array(n * 4);
  for (let k = 0; k < n; k++) b.set([k, k + 1, k + 10, k + 20], k * 4);
  return { f, b };
}

async function all<T>(g: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of g) out.push(x);
  return out;
}

describe('region features', () => {
  it('reads a compressed .npz with x, bbox, num_bbox and the image size', () => {
    const r = readRegionNpz(fixtureBytes('samples/features/42.npz'), '42.npz', '42');
    const { f, b } = expected(0, 3, 8);
    expect(r).toMatchObject({ image_id: '42', num_boxes: 3, dim: 8, image_h: 480, image_w: 640 });
    expect(r.features).toEqual(f);
    expect(r.boxes).toEqual(b);
  });

  it('reads an .npz named features/boxes and an .npy with its _boxes sibling', () => {
    expect(readRegionNpz(fixtureBytes('samples/features/43.npz'), '43.npz', '43').features).toEqual(expected(1, 2, 8).f);
    const r = readRegionNpy(fixtureBytes('samples/features/44.npy'), '44.npy', '44', fixtureBytes('samples/features/44_boxes.npy'));
    expect(r.features).toEqual(expected(2, 4, 8).f);
    expect(r.boxes).toEqual(expected(2, 4, 8).b);
  });

  it('streams the LXMERT/UNITER TSV and the original bottom-up TSV', async () => {
    const lx = await all(readRegionTsv(chunked(fixtureText('samples/lxmert_features.tsv'), 64), 'f.tsv', 8));
    expect(lx.map((r) => [r.image_id, r.num_boxes, r.dim, r.image_h, r.image_w, r.line])).toEqual([
      ['COCO_val2014_000000000042', 3, 8, 480, 640, 1],
      ['COCO_val2014_000000000073', 2, 8, 480, 640, 2],
    ]);
    expect(lx[1]!.features).toEqual(expected(1, 2, 8).f);
    expect(lx[1]!.boxes).toEqual(expected(1, 2, 8).b);
    const butd = await all(readRegionTsv([fixtureText('samples/butd_features.tsv')], 'b.tsv'));
    expect(butd[0]).toMatchObject({ image_id: '42', num_boxes: 3, image_w: 640, image_h: 480 });
    expect(butd[0]!.features).toEqual(expected(0, 3, 8).f);
  });

  it('rejects a wrong feature width, mismatched boxes and a truncated line, with their location', async () => {
    const wrongDim = await caught(() => all(readRegionTsv([fixtureText('samples/lxmert_features.tsv')], 'f.tsv', 2048)));
    expect(wrongDim.code).toBe('MF_DATA_FEATURE_SHAPE');
    expect(wrongDim.at).toEqual({ file: 'f.tsv', line: 1 });
    const cut = fixtureText('samples/lxmert_features.tsv').split('\n')[1]!.split('\t').slice(0, 8).join('\t');
    expect(await caught(() => all(readRegionTsv(['\n' + cut], 'f.tsv')))).toMatchObject({ code: 'MF_DATA_TSV', at: { file: 'f.tsv', line: 2 } });
    const feats = writeNpy({ dtype: 'float32', dims: [3, 8], data: expected(0, 3, 8).f });
    const boxes = writeNpy({ dtype: 'float32', dims: [2, 4], data: expected(0, 2, 8).b });
    expect((await caught(() => readRegionNpy(feats, 'x.npy', 'x', boxes))).code).toBe('MF_DATA_FEATURE_SHAPE');
    const noX = zipSync({ 'y.npy': feats });
    expect((await caught(() => readRegionNpz(noX, 'y.npz', 'y'))).message).toMatch(/no "x" or "features"/);
  });
});
