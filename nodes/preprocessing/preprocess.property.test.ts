import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ModalflowError, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine, type Program } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { createRegistry } from '../index.ts';
import { graphDoc } from '../inputs/run-graph.ts';
import { PIL_FILTERS } from '../lib/pil-resample.ts';
import clipImage from './clip-image.ts';

// Pictures of the layouts decoders hand over: grey (three equal channels), flat black or white,
// two-level (from 1-bit files), noise; of any size, thin strips included.
const MODES = ['grey', 'black', 'white', 'binary', 'noise'] as const;
const side = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(1, 2, 3, 1500));
const picture = fc.record({ batch: fc.integer({ min: 1, max: 2 }), h: side, w: side, mode: fc.constantFrom(...MODES), seed: fc.nat() }).map(({ batch, h, w, mode, seed }): Tensor => {
  const data = new Uint8Array(batch * h * w * 3);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const v = s >>> 24;
    data[i] = mode === 'black' ? 0 : mode === 'white' ? 255 : mode === 'binary' ? (v & 1) * 255 : mode === 'grey' ? data[i - (i % 3)] ?? v : v;
    if (mode === 'grey' && i % 3 === 0) data[i] = v;
  }
  return { dtype: 'uint8', dims: [batch, h, w, 3], data };
});

const tally = (t: Record<string, number>, key: string) => (t[key] = (t[key] ?? 0) + 1);

function expectPixelValues(out: Tensor, b: number) {
  expect(out.dtype).toBe('float32');
  expect(out.dims[0]).toBe(b);
  expect(out.dims[1]).toBe(3);
  expect(out.data.length).toBe(out.dims.reduce((a, d) => a * d, 1));
  expect((out.data as Float32Array).every(Number.isFinite)).toBe(true);
}

describe('preprocess.clip_image on random sizes and kinds of picture', () => {
  it('gives finite pixel_values of the right shape, or a coded error, in bounded memory', async () => {
    const paths: Record<string, number> = {};
    const before = process.memoryUsage().rss;
    const params = fc.record({ size: fc.integer({ min: 0, max: 64 }), crop: fc.integer({ min: 0, max: 64 }), resample: fc.constantFrom(...PIL_FILTERS) });
    await fc.assert(
      fc.asyncProperty(picture, params, async (image, p) => {
        const all = { config: '', rescale: 1 / 255, mean: '0.48145466, 0.4578275, 0.40821073', std: '0.26862954, 0.26130258, 0.27577711', ...p };
        try {
          const out = await clipImage.host!({ image }, { node: 'pre', params: all as never, asset: () => undefined });
          expectPixelValues(out['pixel_values']!, image.dims[0]!);
          if (p.crop > 0) expect(out['pixel_values']!.dims.slice(2)).toEqual([p.crop, p.crop]);
          tally(paths, 'pixel_values');
        } catch (e) {
          if (!(e instanceof ModalflowError)) throw e;
          tally(paths, e.code);
        }
      }),
      { numRuns: 1000, seed: 20261204 },
    );
    const grown = process.memoryUsage().rss - before;
    console.log(`preprocess.clip_image, 1000 random pictures and params: ${JSON.stringify(paths)}; rss grew ${(grown / 2 ** 20).toFixed(1)} MiB`);
    expect(paths['pixel_values']).toBeGreaterThan(500);
    // Thin strips resize to sides of 100,000 pixels and more; only the crop window may be computed.
    expect(grown).toBeLessThan(256 << 20);
  });

  it('refuses a thin strip whose resized side would not fit in memory, with a code', async () => {
    const image: Tensor = { dtype: 'uint8', dims: [1, 5000, 1, 3], data: new Uint8Array(15000) };
    const params = { config: '', size: 16384, resample: 'bicubic', crop: 224, rescale: 1 / 255, mean: '0.5', std: '0.5' };
    const host = async (p: Record<string, unknown>) => clipImage.host!({ image }, { node: 'pre', params: p as never, asset: () => undefined });
    await expect(host(params)).rejects.toMatchObject({
      code: 'MF_IMAGE_TOO_LARGE',
      at: { node: 'pre', port: 'image' },
      message: expect.stringContaining('a 1 x 5000 picture would be resized to 16384 x 81920000'),
    });
    // The same strip at CLIP's size is fine: only the 224 x 224 window is computed.
    const ok = await host({ ...params, size: 224 });
    expect(ok['pixel_values']!.dims).toEqual([1, 3, 224, 224]);
    await expect(host({ ...params, size: 224, crop: 0 })).rejects.toMatchObject({
      code: 'MF_IMAGE_TOO_LARGE',
      message: expect.stringContaining('pixel_values would hold 1 x 3 x 1120000 x 224'),
    });
  });
});

describe('preprocess.image (ONNX) on random sizes and kinds of picture', () => {
  const registry = createRegistry();
  // The registry gives each run the node's own input checks, which refuse before any stage runs.
  const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });
  const programs = new Map<string, Promise<Program>>();
  afterAll(async () => {
    for (const p of programs.values()) await (await p).release();
  });
  // One compiled graph per setting serves every picture size.
  const program = (resize: number, crop: number, mode: string) => {
    const key = `${resize}/${crop}/${mode}`;
    if (!programs.has(key)) {
      const doc = graphDoc(
        [['img', 'input.image'], ['pre', 'preprocess.image', { resize, crop, resize_mode: mode }], ['out', 'output.tensor']],
        [['img.pixels', 'pre.image'], ['pre.pixel_values', 'out.value']],
      );
      programs.set(key, engine.load(compileGraph(doc, registry)));
    }
    return programs.get(key)!;
  };

  it('gives finite pixel_values of the right shape, or a coded error', async () => {
    const paths: Record<string, number> = {};
    const setting = fc.constantFrom([8, 8, 'shortest_edge'], [8, 0, 'shortest_edge'], [16, 12, 'square'], [32, 0, 'vilt'], [0, 4, 'shortest_edge']) as fc.Arbitrary<[number, number, string]>;
    const small = picture.filter((t) => t.dims[1]! * t.dims[2]! <= 40 * 1500);
    await fc.assert(
      fc.asyncProperty(small, setting, async (img, [resize, crop, mode]) => {
        try {
          const out = (await (await program(resize, crop, mode)).run({ img }, { cache: false })).outputs['out']!;
          expectPixelValues(out, img.dims[0]!);
          if (crop > 0) expect(out.dims.slice(2)).toEqual([crop, crop]);
          tally(paths, 'pixel_values');
        } catch (e) {
          if (!(e instanceof ModalflowError)) throw e;
          if (!paths[e.code]) console.log(`first ${e.code}: [${img.dims.join(', ')}] resize ${resize} crop ${crop} ${mode}: ${e.message}`);
          tally(paths, e.code);
        }
      }),
      { numRuns: 200, seed: 20261204 },
    );
    console.log(`preprocess.image, 200 random pictures and settings: ${JSON.stringify(paths)}`);
    expect(paths['pixel_values']).toBeGreaterThan(50);
    // Sizes the resize cannot serve are refused with a code before the runtime sees them.
    expect(paths['RUNTIME_RUN_FAILED']).toBeUndefined();
    expect(paths['MF_BAD_INPUT']).toBeGreaterThan(0);
  });
});
