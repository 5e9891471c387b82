import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './image.ts';

// Pictures and Pillow's convert("RGB") bytes for each, written by fixtures/make_fixtures.py.
const DIR = new URL('./fixtures/', import.meta.url);
const PICTURES = readdirSync(DIR).filter((f) => /\.(png|jpg)$/.test(f)).sort();

describe('decodeImage gives the pixels of Pillow\'s Image.open(f).convert("RGB")', () => {
  it('has a fixture for every unusual layout', () => {
    const want = [
      'png-rgb16', 'png-rgba16', 'png-la16', 'png-l16', 'png-l8', 'png-la8', 'png-1bit', 'png-l2', 'png-l4', 'png-p8', 'png-p4',
      'png-p8-trns', 'png-l8-trns', 'png-rgb8-trns', 'png-rgba8', 'png-interlaced', 'png-exif-rotate', 'png-1x1', 'png-1x5000',
      'jpeg-420', 'jpeg-444', 'jpeg-progressive', 'jpeg-grey', 'jpeg-cmyk', 'jpeg-exif-rotate', 'jpeg-1x1', 'jpeg-1x5000',
    ];
    expect(PICTURES.map((f) => f.replace(/\.(png|jpg)$/, ''))).toEqual(expect.arrayContaining(want));
  });

  it.each(PICTURES)('%s', (name) => {
    const t = decodeImage(new Uint8Array(readFileSync(new URL(name, DIR))), name);
    const want = new Uint8Array(readFileSync(new URL(name.replace(/\.(png|jpg)$/, '.rgb'), DIR)));
    expect(t.data.length).toBe(want.length);
    const got = t.data as Uint8Array;
    const first = got.findIndex((v, i) => v !== want[i]);
    // The first differing byte, as (row, column, channel), reads better than two long arrays.
    const w = t.dims[2]!;
    expect(first < 0 ? 'equal' : `differs at y=${Math.floor(first / 3 / w)} x=${Math.floor(first / 3) % w} c=${first % 3}: ${got[first]} != ${want[first]}`).toBe('equal');
  });
});
