import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, type AssetData, type Tensor } from '@modalflow/core';
import { createRegistry } from '../index.ts';
import { graphDoc } from '../inputs/run-graph.ts';
import { resizeRgb8, PIL_RESAMPLE_CODES } from '../lib/pil-resample.ts';
import { runGraphWithAssets, withAssets, type AssetFiles } from '../testing/run-graph-assets.ts';
import clipImage from './clip-image.ts';

// Reference outputs of CLIPImageProcessor's steps run with Pillow + numpy (fixtures/make_fixtures.py).
interface Case {
  name: string; height: number; width: number; seed: number;
  config: Record<string, unknown> & { resample: number; size: Record<string, number> };
  pixels: number[]; resized?: number[];
}
const dir = new URL('./fixtures/', import.meta.url);
const meta = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as { pillow: string; cases: Case[] };
const expectedPixels = (c: Case) => {
  const b = gunzipSync(readFileSync(new URL(`${c.name}.pixels.f32.gz`, dir)));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};
const expectedResized = (c: Case) => new Uint8Array(readFileSync(new URL(`${c.name}.resized.u8`, dir)));
const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

/** make_fixtures.py's pattern(): 8x8 blocks alternating LCG noise and a wrapping gradient. */
function pattern(h: number, w: number, seed: number): Uint8Array {
  const out = new Uint8Array(h * w * 3);
  let s = seed >>> 0;
  let k = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++, k++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        out[k] = ((x >> 3) + (y >> 3)) % 2 === 0 ? s >>> 24 : (x * 3 + y * 2 + c * 50) & 255;
      }
    }
  }
  return out;
}

const DEFAULTS = { config: '', size: 224, resample: 'bicubic', crop: 224, rescale: 1 / 255, mean: '0.48145466, 0.4578275, 0.40821073', std: '0.26862954, 0.26130258, 0.27577711' };
async function run(img: Tensor, over: Record<string, unknown> = {}, files: Record<string, Uint8Array> = {}) {
  const asset = (name: string): AssetData | undefined => (files[name] ? { name, uri: `${name}.json`, bytes: files[name] } : undefined);
  const out = await clipImage.host!({ image: img }, { node: 'pre', params: { ...DEFAULTS, ...over } as never, asset });
  return out['pixel_values']!;
}
const imageOf = (c: Case, batch = 1): Tensor => {
  const one = pattern(c.height, c.width, c.seed);
  const data = new Uint8Array(batch * one.length);
  for (let b = 0; b < batch; b++) data.set(one, b * one.length);
  return { dtype: 'uint8', dims: [batch, c.height, c.width, 3], data };
};
function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('preprocess.clip_image against Pillow ' + meta.pillow, () => {
  it.each(meta.cases.filter((c) => c.resized))('$name: the resized image equals PIL\'s byte for byte', (c) => {
    const size = c.config.size;
    const [h, w] = [c.height, c.width];
    const [oh, ow] = c.resized!;
    if ('shortest_edge' in size) expect(Math.min(oh!, ow!)).toBe(size['shortest_edge']);
    const got = resizeRgb8(pattern(h, w, c.seed), h, w, oh!, ow!, PIL_RESAMPLE_CODES[c.config.resample]!);
    expect(Buffer.from(got).equals(Buffer.from(expectedResized(c)))).toBe(true);
  });

  it.each(meta.cases)('$name: pixel values equal the reference processor\'s (config file)', async (c) => {
    const out = await run(imageOf(c, 2), { config: 'pre' }, { pre: json(c.config) });
    expect(out.dims).toEqual([2, ...c.pixels]);
    const want = expectedPixels(c);
    const got = out.data as Float32Array;
    expect(maxAbsDiff(got.subarray(0, want.length), want)).toBe(0);
    expect(maxAbsDiff(got.subarray(want.length), want)).toBe(0);
  });

  it('matches with params alone, CLIP defaults included', async () => {
    const clip = meta.cases.find((c) => c.name === 'clip_480x640')!;
    expect(maxAbsDiff((await run(imageOf(clip))).data as Float32Array, expectedPixels(clip))).toBe(0);
    const down = meta.cases.find((c) => c.name === 'down3_200x300')!;
    expect(maxAbsDiff((await run(imageOf(down), { size: 64, crop: 56 })).data as Float32Array, expectedPixels(down))).toBe(0);
    const lanczos = meta.cases.find((c) => c.name === 'lanczos_45x61')!;
    const got = (await run(imageOf(lanczos), { size: 20, crop: 20, resample: 'lanczos' })).data as Float32Array;
    expect(maxAbsDiff(got, expectedPixels(lanczos))).toBe(0);
  });

  it('reads the old and new preprocessor_config.json layouts', async () => {
    const clip = meta.cases.find((c) => c.name === 'clip_480x640')!;
    // openai/clip-vit-base-patch32's file, as published.
    const old = {
      crop_size: 224, do_center_crop: true, do_normalize: true, do_resize: true, feature_extractor_type: 'CLIPFeatureExtractor',
      image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711], resample: 3, size: 224,
    };
    const out = await run(imageOf(clip), { config: 'pre', size: 32, crop: 16, resample: 'nearest', mean: '0', std: '1' }, { pre: json(old) });
    expect(maxAbsDiff(out.data as Float32Array, expectedPixels(clip))).toBe(0);
  });
});

describe('preprocess.clip_image in a graph', () => {
  const doc = (over: Record<string, unknown> = {}) =>
    graphDoc(
      [['img', 'input.image'], ['pre', 'preprocess.clip_image', over], ['out', 'output.tensor']],
      [['img.pixels', 'pre.image'], ['pre.pixel_values', 'out.value']],
    );
  const c = meta.cases.find((k) => k.name === 'down3_200x300')!;
  const files: AssetFiles = { proc: { uri: 'preprocessor_config.json', bytes: json(c.config) } };

  it('runs through the engine with the config asset', async () => {
    const out = await runGraphWithAssets(doc({ config: 'proc' }), files, { img: imageOf(c) });
    expect(out['out']!.dims).toEqual([1, 3, 56, 56]);
    expect(maxAbsDiff(out['out']!.data as Float32Array, expectedPixels(c))).toBe(0);
  });

  it('declares the crop size, from the params or the file', () => {
    const shape = (over: Record<string, unknown>) => {
      const a = analyzeGraph(withAssets(doc(over), files), createRegistry(), { asset: (n) => (files[n] ? { name: n, ...files[n] } : undefined) });
      expect(a.problems).toEqual([]);
      return a.nodes.get('pre')!.outputShapes['pixel_values'];
    };
    expect(shape({})).toEqual(['B', 3, 224, 224]);
    expect(shape({ config: 'proc' })).toEqual(['B', 3, 56, 56]);
    expect(shape({ crop: 0 })).toEqual(['B', 3, 'Hr_pre', 'Wr_pre']);
    expect(shape({ crop: 0, size: 0 })).toEqual(['B', 3, 'H_img', 'W_img']);
  });

  it('names a malformed or missing config file', async () => {
    const problem = (bytes: Uint8Array) => {
      const f: AssetFiles = { proc: { uri: 'preprocessor_config.json', bytes } };
      return analyzeGraph(withAssets(doc({ config: 'proc' }), f), createRegistry(), { asset: (n) => (f[n] ? { name: n, ...f[n] } : undefined) }).problems[0];
    };
    expect(problem(json({ size: { longest_edge: 5 } }))).toMatchObject({
      code: 'MF_ASSET_INVALID', at: { node: 'pre', param: 'config' },
      message: 'asset "proc" has "size" {"longest_edge":5}; expected a number, {"shortest_edge": n} or {"height": h, "width": w}, of whole numbers from 1 to 16384',
    });
    expect(problem(new TextEncoder().encode('{'))!.message).toMatch(/^asset "proc" is not valid JSON/);
    expect(problem(json({ resample: 9 }))!.message).toContain('PIL filter code');
    expect(problem(json({ image_std: [1, 0, 1] }))!.message).toContain('"image_std"');
    const img = imageOf(c);
    await expect(run(img, { config: 'proc' })).rejects.toMatchObject({ code: 'MF_ASSET_NOT_LOADED', at: { param: 'config' } });
    await expect(run(img, { config: 'proc' }, { proc: json({ do_resize: 1 }) })).rejects.toMatchObject({ code: 'MF_ASSET_INVALID', message: expect.stringContaining('"do_resize"') });
  });

});
