import { describe, expect, it } from 'vitest';
import { readVisualGenomeRegions } from './visual-genome.ts';
import { caught, fixtureText } from '../testing/fixtures.ts';

const text = fixtureText('samples/region_descriptions.json');

describe('readVisualGenomeRegions', () => {
  it('gives one row per region with its box', () => {
    const ds = readVisualGenomeRegions(text, 'r.json', { imageRoot: 'VG_100K' });
    expect(ds.rows).toEqual([
      { region_id: 1382, image_id: 1, image: 'VG_100K/1.jpg', phrase: 'the clock is green in colour', box: [421, 57, 82, 139] },
      { region_id: 1383, image_id: 1, image: 'VG_100K/1.jpg', phrase: 'shade is along the street', box: [194, 372, 182, 109] },
      { region_id: 4091, image_id: 2, image: 'VG_100K/2.jpg', phrase: 'a white sign', box: [5, 3, 10, 12] },
    ]);
  });

  it('rejects a region filed under another image, and a negative size', async () => {
    const doc = JSON.parse(text);
    doc[1].regions[0].image_id = 1;
    const e = await caught(() => readVisualGenomeRegions(JSON.stringify(doc), 'r.json'));
    expect(e.code).toBe('MF_DATA_ID_MISMATCH');
    expect(e.at.path).toBe('/1/regions/0/image_id');
    const neg = JSON.parse(text);
    neg[0].regions[1].width = -3;
    expect((await caught(() => readVisualGenomeRegions(JSON.stringify(neg), 'r.json'))).at.path).toBe('/0/regions/1/width');
  });
});

describe('regionsAsCaptions', () => {
  it('groups region phrases by image', async () => {
    const { regionsAsCaptions } = await import('./visual-genome.ts');
    const ds = regionsAsCaptions(readVisualGenomeRegions(text, 'r.json'));
    expect(ds.rows).toEqual([
      { image_id: 1, image: '1.jpg', captions: ['the clock is green in colour', 'shade is along the street'] },
      { image_id: 2, image: '2.jpg', captions: ['a white sign'] },
    ]);
  });
});
