import { describe, expect, it } from 'vitest';
import { readCaptionResults, readCocoCaptions } from './coco-captions.ts';
import { caught, fixtureText } from '../testing/fixtures.ts';

const FILE = 'captions.json';
const text = fixtureText('reference/captions.json');

describe('readCocoCaptions', () => {
  it('gives one row per image with all its captions, in file order', () => {
    const doc = JSON.parse(text);
    const ds = readCocoCaptions(text, FILE, { imageRoot: 'val2014' });
    expect(ds.rows).toHaveLength(doc.images.length);
    for (const [i, img] of doc.images.entries()) {
      expect(ds.rows[i]).toEqual({
        image_id: img.id,
        image: `val2014/${img.file_name}`,
        captions: doc.annotations.filter((a: { image_id: number }) => a.image_id === img.id).map((a: { caption: string }) => a.caption),
      });
    }
    expect(ds.at[3]).toEqual({ file: FILE, path: '/images/3' });
  });

  it('rejects truncated JSON at its line', async () => {
    const e = await caught(() => readCocoCaptions(text.slice(0, text.length - 40), FILE));
    expect(e.code).toBe('MF_DATA_JSON');
    expect(e.message).toMatch(/truncated/);
    expect(e.at.line).toBe(text.slice(0, text.length - 40).split('\n').length);
  });

  it('rejects a caption for an image that is not listed, at its JSON path', async () => {
    const doc = JSON.parse(text);
    doc.annotations[5].image_id = 999999;
    const e = await caught(() => readCocoCaptions(JSON.stringify(doc), FILE));
    expect(e.code).toBe('MF_DATA_ID_MISMATCH');
    expect(e.at).toEqual({ file: FILE, path: '/annotations/5/image_id' });
  });

  it('rejects a missing field at its JSON path', async () => {
    const doc = JSON.parse(text);
    delete doc.images[2].file_name;
    const e = await caught(() => readCocoCaptions(JSON.stringify(doc), FILE));
    expect(e.code).toBe('MF_DATA_FIELD');
    expect(e.at.path).toBe('/images/2/file_name');
  });

  it('rejects duplicate image ids', async () => {
    const doc = JSON.parse(text);
    doc.images[1].id = doc.images[0].id;
    expect((await caught(() => readCocoCaptions(JSON.stringify(doc), FILE))).code).toBe('MF_DATA_DUPLICATE_ID');
  });
});

describe('readCaptionResults', () => {
  it('reads [{ image_id, caption }] and refuses two captions for one image', async () => {
    const results = fixtureText('reference/caption_results.json');
    const map = readCaptionResults(results, 'res.json');
    expect(map.get(1000)).toBe(JSON.parse(results)[0].caption);
    const doubled = JSON.stringify([{ image_id: 1, caption: 'a' }, { image_id: 1, caption: 'b' }]);
    const e = await caught(() => readCaptionResults(doubled, 'res.json'));
    expect(e.code).toBe('MF_DATA_DUPLICATE_ID');
    expect(e.at.path).toBe('/1');
  });
});
