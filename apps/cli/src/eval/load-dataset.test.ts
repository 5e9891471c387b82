import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkMedia, loadDataset } from './load-dataset.ts';

const FIXTURES = fileURLToPath(new URL('../../../../packages/eval/fixtures/', import.meta.url));

describe('loadDataset', () => {
  it('tells each format from its file name or JSON keys', async () => {
    const cases: [string, string, string?][] = [
      ['reference/captions.json', 'coco-captions'],
      ['samples/dataset_flickr30k.json', 'karpathy'],
      ['samples/results_20130124.token', 'flickr30k'],
      ['reference/vqa_questions.json', 'vqa'],
      ['samples/region_descriptions.json', 'visual-genome'],
      ['samples/audiocaps_test.csv', 'audiocaps'],
      ['samples/clotho_captions_evaluation.csv', 'clotho'],
      ['samples/msrvtt_videodatainfo.json', 'msrvtt'],
      ['reference/nlvr2_dev.json', 'nlvr2'],
    ];
    for (const [file, format] of cases) {
      const ds = await loadDataset(file, {}, FIXTURES);
      expect(ds.format, file).toBe(format);
      expect(ds.rows.length, file).toBeGreaterThan(0);
    }
  });

  it('puts media paths under --media, else beside the data file', async () => {
    const beside = await loadDataset('samples/region_descriptions.json', {}, FIXTURES);
    expect(beside.rows[0]!['image']).toBe(`${FIXTURES}samples/1.jpg`);
    const under = await loadDataset('samples/region_descriptions.json', { media: '/data/vg' }, FIXTURES);
    expect(under.rows[0]!['image']).toBe('/data/vg/1.jpg');
  });

  it('names a missing data file, an unknown format and a missing picture', async () => {
    await expect(loadDataset('nope.json', {}, FIXTURES)).rejects.toThrow(/MF_FILE_NOT_FOUND/);
    await expect(loadDataset('reference/captions.json', { format: 'imagenet' }, FIXTURES)).rejects.toThrow(/unknown --format "imagenet"/);
    const ds = await loadDataset('samples/region_descriptions.json', {}, FIXTURES);
    expect(() => checkMedia(ds, ['image'])).toThrow(/MF_DATA_MISSING_FILE: image file ".*1\.jpg" does not exist .*region_descriptions\.json, at \/0\/regions\/0/);
  });
});
