import pngjs from 'pngjs/browser.js';
import { describe, expect, it } from 'vitest';
import { manifestRow, worldFiles } from './files.ts';
import { encodePng } from './png.ts';
import { generateWorld } from './world.ts';

function rows(text: string | Uint8Array | undefined): Record<string, unknown>[] {
  expect(typeof text).toBe('string');
  return (text as string).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('encodePng', () => {
  it('encodes pixels that decode back unchanged', () => {
    const image = generateWorld({ seed: 1, count: 1, size: 40 }).examples[0]!.image;
    const bytes = encodePng(image);
    expect(Array.from(bytes.slice(1, 4), (c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const decoded = pngjs.PNG.sync.read(Buffer.from(bytes));
    expect([decoded.width, decoded.height]).toEqual([40, 40]);
    const rgb = new Uint8Array(40 * 40 * 3);
    for (let i = 0; i < 40 * 40; i++) rgb.set(decoded.data.subarray(i * 4, i * 4 + 3), i * 3);
    expect(rgb).toEqual(image.data);
  });

  it('rejects anything but uint8 [H, W, 3]', () => {
    expect(() => encodePng({ dtype: 'float32', dims: [2, 2, 3], data: new Float32Array(12) })).toThrow(/uint8/);
    expect(() => encodePng({ dtype: 'uint8', dims: [2, 2, 4], data: new Uint8Array(16) })).toThrow(/\[H, W, 3\]/);
  });
});

describe('worldFiles', () => {
  it('writes one manifest per split with image paths that exist', () => {
    const world = generateWorld({ seed: 3, count: 40, heldOut: [{ colour: 'red', shape: 'circle' }], heldOutFraction: 0.3 });
    const files = worldFiles(world);
    const all = ['train', 'test', 'heldout'].flatMap((s) => (files[`${s}.jsonl`] ? rows(files[`${s}.jsonl`]).map((r) => [s, r] as const) : []));
    expect(all).toHaveLength(40);
    for (const [split, row] of all) {
      expect(row.split).toBe(split);
      expect(files[row.image as string]).toBeInstanceOf(Uint8Array);
      expect(Object.keys(row)).toEqual(['id', 'split', 'image', 'text', 'colour', 'shape', 'position']);
    }
    expect(files['images/0001.png']).toEqual(encodePng(world.examples[0]!.image));
    const info = JSON.parse(files['world.json'] as string) as Record<string, unknown>;
    expect(info.spec).toBe('world:shapes?count=40&seed=3&heldout=red-circle&heldout_fraction=0.3');
    expect(info.answers).toEqual(world.answers);
  });

  it('gives VQA and region rows the columns their graph inputs need', () => {
    const vqa = generateWorld({ seed: 1, count: 3, task: 'vqa' });
    expect(Object.keys(rows(worldFiles(vqa, { imageDir: 'png' })['train.jsonl'])[0]!))
      .toEqual(['id', 'split', 'image', 'question', 'answer', 'answer_id', 'colour', 'shape', 'position']);
    const reg = generateWorld({ seed: 1, count: 3, task: 'regions', numRegions: 4, featureDim: 8 });
    const e = reg.examples[0]!;
    const row = manifestRow(reg, e, 'images/0001.png');
    expect(row['regions.features']).toHaveLength(4);
    expect((row['regions.features'] as number[][])[0]).toEqual(Array.from(e.regions!.data as Float32Array).slice(0, 8));
    expect((row['regions.boxes'] as number[][])[0]).toEqual(Array.from(e.boxes!.data as Float32Array).slice(0, 4));
    expect(row.region_mask).toEqual(Array.from(e.region_mask!.data as BigInt64Array, Number));
    expect(row.region_shapes).toEqual(Array.from(e.region_shapes!.data as BigInt64Array, Number));
    expect(row.region_colours).toEqual(Array.from(e.region_colours!.data as BigInt64Array, Number));
  });

  it('writes the same bytes every time', () => {
    const a = worldFiles(generateWorld({ seed: 6, count: 5, task: 'vqa' }));
    const b = worldFiles(generateWorld({ seed: 6, count: 5, task: 'vqa' }));
    expect(a).toEqual(b);
  });
});
