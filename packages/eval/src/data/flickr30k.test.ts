import { describe, expect, it } from 'vitest';
import { readFlickr30kTokens } from './flickr30k.ts';
import { caught, chunked, fixtureText } from '../testing/fixtures.ts';

const text = fixtureText('samples/results_20130124.token');

describe('readFlickr30kTokens', () => {
  it('groups the captions of each image, streaming lines cut across chunks', async () => {
    const ds = await readFlickr30kTokens(chunked(text, 5), 'r.token', { imageRoot: 'flickr30k-images' });
    expect(ds.rows).toEqual([
      {
        image_id: '1000092795',
        image: 'flickr30k-images/1000092795.jpg',
        captions: ['Two young guys with shaggy hair look at their hands while hanging out in the yard .', 'Two young , White males are outside near many bushes .'],
      },
      { image_id: '10002456', image: 'flickr30k-images/10002456.jpg', captions: ['Several men in hard hats are operating a giant pulley system .'] },
    ]);
    expect(ds.at[1]).toEqual({ file: 'r.token', line: 3 });
  });

  it('names the line of a malformed entry', async () => {
    const e = await caught(() => readFlickr30kTokens([text + 'no-tab-here\n'], 'r.token'));
    expect(e.code).toBe('MF_DATA_TSV');
    expect(e.at).toEqual({ file: 'r.token', line: 4 });
  });
});
