import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { decodeModel } from '@modalflow/onnx';
import { HostSteps, createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { createRegistry } from '../index.ts';
import { graphDoc, runGraph } from '../inputs/run-graph.ts';
import clipImage from './clip-image.ts';

/**
 * preprocess.image (ONNX ops) against preprocess.clip_image (host, Pillow-exact) and against
 * Pillow itself (fixtures/make_fixtures.py), on pictures whose size the graph fixes and on
 * pictures of any size: all must give the same float32 values, bit for bit.
 */

const createDefaults = (def: { params: Record<string, { default: unknown }> }) => Object.fromEntries(Object.entries(def.params).map(([k, p]) => [k, p.default]));
interface Case {
  name: string; height: number; width: number; seed: number;
  config: { resample: number; size: Record<string, number>; crop_size: Record<string, number> };
  pixels: number[];
}
const dir = new URL('./fixtures/', import.meta.url);
const meta = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as { cases: Case[] };
const pillow = (c: Case) => {
  const b = gunzipSync(readFileSync(new URL(`${c.name}.pixels.f32.gz`, dir)));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

/** make_fixtures.py's pattern(): 8x8 blocks alternating LCG noise and a wrapping gradient. */
function pattern(h: number, w: number, seed: number, batch: number): Tensor {
  const one = new Uint8Array(h * w * 3);
  let s = seed >>> 0;
  let k = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++, k++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        one[k] = ((x >> 3) + (y >> 3)) % 2 === 0 ? s >>> 24 : (x * 3 + y * 2 + c * 50) & 255;
      }
    }
  }
  const data = new Uint8Array(batch * one.length);
  for (let b = 0; b < batch; b++) data.set(one, b * one.length);
  return { dtype: 'uint8', dims: [batch, h, w, 3], data };
}

const FILTER: Record<number, string> = { 2: 'linear', 3: 'cubic' };
// Upscale, downscale (by 1.66 and 3.1), odd margins (27, 13, 7), bilinear, CLIP's own sizes.
const CASES = ['up_37x53', 'tall_53x37', 'down3_200x300', 'bilinear_45x61', 'clip_480x640'];

/** The fixture's steps as a graph; `fixed`: the image input declares the picture size. */
function graph(c: Case, fixed = true) {
  const params = { resize: c.config.size['shortest_edge'], crop: c.config.crop_size['height'], interpolation: FILTER[c.config.resample] };
  return graphDoc(
    [['img', 'input.image', fixed ? { height: c.height, width: c.width } : {}], ['pre', 'preprocess.image', params], ['out', 'output.tensor']],
    [['img.pixels', 'pre.image'], ['pre.pixel_values', 'out.value']],
  );
}

function sameBits(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let differ = 0;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) differ++;
  return differ;
}

describe('preprocess.image equals Pillow', () => {
  it.each(CASES.flatMap((name) => [[name, 'fixed'], [name, 'free']]))('%s, picture size %s in the graph: equal to preprocess.clip_image and to Pillow, bit for bit', async (name, size) => {
    const c = meta.cases.find((k) => k.name === name)!;
    const img = pattern(c.height, c.width, c.seed, 2);
    const got = (await runGraph(graph(c, size === 'fixed'), { img }))['out']!;
    expect(got.dims).toEqual([2, ...c.pixels]);
    const host = await clipImage.host!({ image: img }, {
      node: 'pre', asset: () => undefined,
      params: { config: '', size: c.config.size['shortest_edge'], crop: c.config.crop_size['height'], resample: c.config.resample === 2 ? 'bilinear' : 'bicubic', rescale: 1 / 255, mean: '0.48145466, 0.4578275, 0.40821073', std: '0.26862954, 0.26130258, 0.27577711' } as never,
    });
    const onnx = got.data as Float32Array;
    expect(sameBits(onnx, host['pixel_values']!.data as Float32Array)).toBe(0);
    const ref = pillow(c);
    expect(sameBits(onnx.subarray(0, ref.length), ref)).toBe(0);
    expect(sameBits(onnx.subarray(ref.length), ref)).toBe(0);
  });

  it('builds the resize from matrix products: constants for a fixed size, tensors the engine computes per run otherwise', () => {
    const c = meta.cases.find((k) => k.name === 'down3_200x300')!;
    const compile = (doc: ReturnType<typeof graph>) => compileGraph(doc, createRegistry());
    const ops = (compiled: ReturnType<typeof compile>) => Object.values(compiled.models).flatMap((m) => decodeModel(m).opTypes);
    const fixed = compile(graph(c));
    expect(ops(fixed)).toContain('MatMul');
    expect(ops(fixed)).not.toContain('Resize');
    expect(fixed.plan).not.toHaveProperty('feeds');
    const free = compile(graph(c, false));
    expect(ops(free)).not.toContain('Resize');
    expect(free.plan.feeds).toEqual([{ node: 'pre', type: 'preprocess.image', typeVersion: 1, params: expect.any(Object), inputs: { image: 'img.pixels' }, names: ['resample_w', 'resample_h'] }]);
    expect(free.plan.stages[0]!.inputs.map((b) => b.tensor).sort()).toEqual(['img.pixels', 'pre.#resample_h', 'pre.#resample_w']);
    // Lowered as a training step model is: no feeds, ONNX Resize.
    const training = compileGraph(graph(c, false), createRegistry(), { hostFeeds: false });
    expect(ops(training)).toContain('Resize');
    expect(training.plan).not.toHaveProperty('feeds');
  });

  it('computes the matrices once per picture size, and an engine without the node types says what it lacks', async () => {
    const c = meta.cases.find((k) => k.name === 'tall_53x37')!;
    const registry = createRegistry();
    const def = registry.get('preprocess.image')!;
    const params = { ...createDefaults(def), resize: 32, crop: 32 };
    const a = def.hostFeeds!({ image: [1, 53, 37, 3] }, { node: 'pre', params });
    expect(def.hostFeeds!({ image: [4, 53, 37, 3] }, { node: 'pre', params })['resample_w']).toBe(a['resample_w']);
    expect(a['resample_w']!.dims).toEqual([37, 32]);
    expect(a['resample_h']!.dims).toEqual([32, 53]);
    const compiled = compileGraph(graph(c, false), registry);
    const program = await createEngine(createNodeRuntime({ providers: ['cpu'] }), { hostSteps: new HostSteps() }).load(compiled);
    try {
      await expect(program.run({ img: pattern(c.height, c.width, c.seed, 1) })).rejects.toMatchObject({ code: 'MF_NO_HOST_FEED', at: { node: 'pre' } });
    } finally {
      await program.release();
    }
  });
});
