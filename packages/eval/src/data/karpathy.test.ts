import { describe, expect, it } from 'vitest';
import { readKarpathy } from './karpathy.ts';
import { caught, fixtureText } from '../testing/fixtures.ts';

const text = fixtureText('samples/dataset_flickr30k.json');

describe('readKarpathy', () => {
  it('reads every image with its split, raw sentences and COCO id where given', () => {
    const ds = readKarpathy(text, 'dataset_flickr30k.json', { imageRoot: '/data/images' });
    expect(ds.rows.map((r) => r['image_id'])).toEqual([0, 1, 391895]);
    expect(ds.rows[0]).toEqual({
      image_id: 0,
      image: '/data/images/1000092795.jpg',
      split: 'test',
      captions: ['Two young guys with shaggy hair look at their hands.', 'Two young, White males are outside near many bushes.'],
    });
    expect(ds.rows[2]!['image']).toBe('/data/images/val2014/COCO_val2014_000000391895.jpg');
  });

  it('keeps only the asked splits', () => {
    const ds = readKarpathy(text, 'f.json', { splits: ['test'] });
    expect(ds.rows.map((r) => r['image_id'])).toEqual([0, 391895]);
    expect(ds.at.map((a) => a.path)).toEqual(['/images/0', '/images/2']);
  });

  it('rejects an unknown split at its JSON path', async () => {
    const e = await caught(() => readKarpathy(text.replace('"split": "train"', '"split": "dev"'), 'f.json'));
    expect(e.code).toBe('MF_DATA_FIELD');
    expect(e.at.path).toBe('/images/1/split');
  });
});
