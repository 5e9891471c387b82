import { describe, expect, it } from 'vitest';
import { ModalflowError, analyzeGraph, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine, type Runtime } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { createRegistry } from '../index.ts';
import { graphDoc, runGraph } from '../inputs/run-graph.ts';
import { registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import image, { MAX_RESIZED_FLOATS, checkImageSize } from './image.ts';
import { levelTable } from '../lib/image-processor-config.ts';
import { resizeRgb8 } from '../lib/pil-resample.ts';

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

function pixels(b: number, h: number, w: number, seed = 1): Tensor {
  const data = new Uint8Array(b * h * w * 3);
  let s = seed;
  for (let k = 0; k < data.length; k++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[k] = s >>> 24;
  }
  // Hard edges (0 next to 255) make the cubic kernel overshoot, so clipping is exercised.
  for (let k = 0; k < data.length; k += 7) data[k] = k % 2 ? 255 : 0;
  return { dtype: 'uint8', dims: [b, h, w, 3], data };
}

// ---- float64 reference, one function per step ----

/** Keys' cubic convolution kernel (Keys 1981) with a = -0.5, PIL's bicubic. */
function keys(d: number, a = -0.5): number {
  const x = Math.abs(d);
  if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
  if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a;
  return 0;
}

/**
 * Taps and weights for output index o along an axis of n input pixels resized to m. Pixel
 * centres sit at i + 0.5 (half_pixel): the source coordinate is (o + 0.5) * n / m - 0.5.
 */
function taps(o: number, n: number, m: number, mode: string): [number, number][] {
  const src = ((o + 0.5) * n) / m - 0.5;
  if (mode === 'nearest') return [[Math.min(Math.floor(((o + 0.5) * n) / m), n - 1), 1]];
  if (mode === 'linear') {
    const c = Math.min(Math.max(src, 0), n - 1);
    const i0 = Math.floor(c);
    const i1 = Math.min(i0 + 1, n - 1);
    return [[i0, 1 - (c - i0)], [i1, c - i0]];
  }
  // Cubic: 4 taps around src; taps outside the image are dropped and the rest renormalised.
  const base = Math.floor(src);
  const t: [number, number][] = [];
  for (let k = base - 1; k <= base + 2; k++) if (k >= 0 && k < n) t.push([k, keys(src - k)]);
  const sum = t.reduce((acc, [, w]) => acc + w, 0);
  return t.map(([k, w]) => [k, w / sum]);
}

/** dandelin/ViLT MinMaxResize.__call__, line by line (w, h = x.size). */
function viltRef(h: number, w: number, shorter: number, divisor: number): [number, number] {
  const longer = Math.trunc((1333 / 800) * shorter);
  let scale = shorter / Math.min(w, h);
  let newh: number;
  let neww: number;
  if (h < w) {
    newh = shorter;
    neww = scale * w;
  } else {
    newh = scale * h;
    neww = shorter;
  }
  if (Math.max(newh, neww) > longer) {
    scale = longer / Math.max(newh, neww);
    newh = newh * scale;
    neww = neww * scale;
  }
  newh = Math.trunc(newh + 0.5);
  neww = Math.trunc(neww + 0.5);
  return [Math.floor(newh / divisor) * divisor, Math.floor(neww / divisor) * divisor];
}

interface RefOptions {
  resize: number;
  resizeMode?: 'shortest_edge' | 'vilt' | 'square';
  divisor?: number;
  mode: string;
  crop: number;
  offset: 'floor' | 'round';
  rescale: number;
  mean: number[];
  std: number[];
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

function reference(t: Tensor, o: RefOptions): { dims: number[]; data: number[] } {
  const [b, h, w] = t.dims as [number, number, number];
  const px = t.data as Uint8Array;
  // 1. uint8 NHWC -> float NCHW
  const at = (n: number, c: number, y: number, x: number) => px[((n * h + y) * w + x) * 3 + c]!;
  // 2. shortest-edge size: short side -> resize, long side -> floor(resize * long / short)
  let oh = h;
  let ow = w;
  if (o.resize > 0 && o.resizeMode === 'square') {
    oh = ow = o.resize;
  } else if (o.resize > 0 && o.resizeMode === 'vilt') {
    [oh, ow] = viltRef(h, w, o.resize, o.divisor ?? 32);
  } else if (o.resize > 0) {
    const short = Math.min(h, w);
    oh = Math.floor((h * o.resize) / short);
    ow = Math.floor((w * o.resize) / short);
  }
  const resized = (n: number, c: number, y: number, x: number): number => {
    if (o.resize === 0) return at(n, c, y, x);
    let v = 0;
    for (const [iy, wy] of taps(y, h, oh, o.mode)) for (const [ix, wx] of taps(x, w, ow, o.mode)) v += wy * wx * at(n, c, iy, ix);
    return o.mode === 'cubic' ? Math.min(Math.max(v, 0), 255) : v;
  };
  // 3. centre crop
  let top = 0;
  let left = 0;
  let ch = oh;
  let cw = ow;
  if (o.crop > 0) {
    const off = (spare: number) => (o.offset === 'floor' ? Math.floor(spare / 2) : roundHalfEven(spare / 2));
    top = off(oh - o.crop);
    left = off(ow - o.crop);
    ch = cw = o.crop;
  }
  // 4. rescale and normalise
  const data: number[] = [];
  for (let n = 0; n < b; n++) {
    for (let c = 0; c < 3; c++) {
      const mean = o.mean.length === 1 ? o.mean[0]! : o.mean[c]!;
      const std = o.std.length === 1 ? o.std[0]! : o.std[c]!;
      for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) data.push((resized(n, c, top + y, left + x) * o.rescale - mean) / std);
    }
  }
  return { dims: [b, 3, ch, cw], data };
}

const DEFAULTS: RefOptions = { resize: 224, mode: 'cubic', crop: 224, offset: 'floor', rescale: 1 / 255, mean: CLIP_MEAN, std: CLIP_STD };

/** The resized size reference() uses. */
function resizedOf(h: number, w: number, o: RefOptions): [number, number] {
  if (o.resize === 0) return [h, w];
  if (o.resizeMode === 'square') return [o.resize, o.resize];
  if (o.resizeMode === 'vilt') return viltRef(h, w, o.resize, o.divisor ?? 32);
  const short = Math.min(h, w);
  return [Math.floor((h * o.resize) / short), Math.floor((w * o.resize) / short)];
}

/** Pillow's 8-bit resize (the host's resizeRgb8), the crop, then the host's table of levels. */
function pillowReference(t: Tensor, o: RefOptions): { dims: number[]; data: Float32Array } {
  const [b, h, w] = t.dims as [number, number, number];
  const [oh, ow] = resizedOf(h, w, o);
  const [ch, cw] = o.crop > 0 ? [o.crop, o.crop] : [oh, ow];
  const off = (spare: number) => (o.offset === 'floor' ? Math.floor(spare / 2) : roundHalfEven(spare / 2));
  const [top, left] = [off(oh - ch), off(ow - cw)];
  const three = (v: number[]) => (v.length === 1 ? [v[0]!, v[0]!, v[0]!] : v);
  const table = levelTable({ resize: null, resample: 'bicubic', crop: null, rescale: o.rescale, normalize: { mean: three(o.mean), std: three(o.std) } });
  const data = new Float32Array(b * 3 * ch * cw);
  for (let n = 0; n < b; n++) {
    const px = (t.data as Uint8Array).subarray(n * h * w * 3, (n + 1) * h * w * 3);
    const r = resizeRgb8(px, h, w, oh, ow, o.mode === 'cubic' ? 'bicubic' : 'bilinear');
    for (let c = 0; c < 3; c++) for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) {
      data[((n * 3 + c) * ch + y) * cw + x] = table[c * 256 + r[((top + y) * ow + left + x) * 3 + c]!]!;
    }
  }
  return { dims: [b, 3, ch, cw], data };
}

/** Cubic and linear resizing are Pillow's, bit for bit; the rest matches the float reference. */
function expectReference(got: Tensor, img: Tensor, opts: RefOptions) {
  const ref = reference(img, opts);
  expect(got.dims).toEqual(ref.dims);
  if (opts.resize > 0 && opts.mode !== 'nearest') {
    expect(Array.from(got.data as Float32Array)).toEqual(Array.from(pillowReference(img, opts).data));
  } else {
    expect(relError(got.data as Float32Array, ref.data)).toBeLessThanOrEqual(1e-5);
  }
}

/**
 * Runs the node twice: on a picture size known only at run time (the engine computes the
 * resampling matrices for it) and on a size fixed in the graph (they are constants).
 */
async function check(img: Tensor, params: Record<string, unknown>, o: Partial<RefOptions>) {
  const free = graphDoc(
    [['img', 'input.tensor', { dtype: 'uint8', shape: 'B, H, W, 3' }], ['pre', 'preprocess.image', params], ['out', 'output.tensor']],
    [['img.value', 'pre.image'], ['pre.pixel_values', 'out.value']],
  );
  const opts = { ...DEFAULTS, ...o };
  const got = (await runGraph(free, { img }))['out']!;
  expectReference(got, img, opts);
  const { outputs } = await runNode(image, { params, inputs: { image: img } });
  expectReference(outputs['pixel_values']!, img, opts);
  return got;
}

describe('preprocess.image', () => {
  it('cubic upscale, crop and CLIP normalisation match the reference (floor crop offset)', async () => {
    // 5 x 7 -> shorter side 9: 9 x 12; the crop margin 3 is where floor and round differ.
    await check(pixels(1, 5, 7), { resize: 9, crop: 9 }, { resize: 9, crop: 9 });
  });

  it('round crop offset follows torchvision (round half to even)', async () => {
    await check(pixels(1, 5, 7), { resize: 9, crop: 9, crop_offset: 'round' }, { resize: 9, crop: 9, offset: 'round' });
    // margin 1 (and 5): round(0.5) = 0 = floor, round(2.5) = 2 = floor
    await check(pixels(1, 8, 5), { resize: 0, crop: 5, crop_offset: 'round' }, { resize: 0, crop: 5, offset: 'round' });
    await check(pixels(1, 6, 5), { resize: 0, crop: 5, crop_offset: 'round' }, { resize: 0, crop: 5, offset: 'round' });
  });

  it('cubic downscale of a batch, portrait images', async () => {
    await check(pixels(2, 11, 8, 3), { resize: 5, crop: 5 }, { resize: 5, crop: 5 });
  });

  it('linear resize, up and down', async () => {
    await check(pixels(1, 6, 9, 4), { resize: 4, crop: 3, interpolation: 'linear' }, { resize: 4, crop: 3, mode: 'linear' });
    await check(pixels(1, 3, 4, 5), { resize: 7, crop: 7, interpolation: 'linear' }, { resize: 7, crop: 7, mode: 'linear' });
  });

  it('nearest resize, up and down (PIL nearest: floor((i + 0.5) * in / out))', async () => {
    // Odd input sizes keep (i + 0.5) * in / out off integers, where float32 rounding could tip it.
    await check(pixels(1, 7, 5, 6), { resize: 3, crop: 3, interpolation: 'nearest' }, { resize: 3, crop: 3, mode: 'nearest' });
    await check(pixels(1, 3, 5, 7), { resize: 7, crop: 0, interpolation: 'nearest' }, { resize: 7, crop: 0, mode: 'nearest' });
  });

  it('keeps the size with resize 0 and crop 0; one mean/std value for all channels', async () => {
    const got = await check(
      pixels(2, 3, 4, 8),
      { resize: 0, crop: 0, mean: '0.5', std: '0.5', rescale: 1 / 255 },
      { resize: 0, crop: 0, mean: [0.5], std: [0.5] },
    );
    expect(got.dims).toEqual([2, 3, 3, 4]);
  });

  it('resizing to the same size changes nothing', async () => {
    const img = pixels(1, 4, 6, 9);
    await check(img, { resize: 4, crop: 0, rescale: 1, mean: '0', std: '1' }, { resize: 0, crop: 0, rescale: 1, mean: [0], std: [1] });
  });

  it('one compiled graph accepts images of any size from an image input', async () => {
    const doc = graphDoc(
      [['img', 'input.image'], ['pre', 'preprocess.image', { resize: 6, crop: 5 }], ['out', 'output.tensor']],
      [['img.pixels', 'pre.image'], ['pre.pixel_values', 'out.value']],
    );
    expect(analyzeGraph(doc, createRegistry()).nodes.get('pre')!.outputShapes['pixel_values']).toEqual(['B', 3, 5, 5]);
    for (const img of [pixels(1, 6, 10, 2), pixels(1, 13, 7, 3)]) {
      const out = (await runGraph(doc, { img }))['out']!;
      expect(out.dims).toEqual([1, 3, 5, 5]);
      expectReference(out, img, { ...DEFAULTS, resize: 6, crop: 5 });
    }
  });

  it('vilt mode: shorter side, capped longer side, rounded and floored to the divisor, in one graph for any size', async () => {
    // size 8: longer side cap int(1.66625 * 8) = 13. 6 x 20 -> 8 x 26.7 -> capped 3.9 x 13 -> 4 x 13 -> 4 x 12.
    await check(pixels(1, 6, 20, 2), { resize: 8, resize_mode: 'vilt', size_divisor: 4, crop: 0 }, { resize: 8, resizeMode: 'vilt', divisor: 4, crop: 0 });
    // 9 x 12 -> 8 x 10.67 -> 8 x 11 -> 8 x 8; portrait 13 x 7 -> 14.86 x 8 -> 13 x 7 capped -> 12 x 4.
    await check(pixels(2, 9, 12, 3), { resize: 8, resize_mode: 'vilt', size_divisor: 4, crop: 0 }, { resize: 8, resizeMode: 'vilt', divisor: 4, crop: 0 });
    await check(pixels(1, 13, 7, 4), { resize: 8, resize_mode: 'vilt', size_divisor: 4, crop: 0, interpolation: 'linear' }, { resize: 8, resizeMode: 'vilt', divisor: 4, crop: 0, mode: 'linear' });
    // The size is computed inside the model: one compiled graph, images of different shapes.
    const doc = graphDoc(
      [['img', 'input.image'], ['pre', 'preprocess.image', { resize: 8, resize_mode: 'vilt', size_divisor: 4, crop: 0 }], ['out', 'output.tensor']],
      [['img.pixels', 'pre.image'], ['pre.pixel_values', 'out.value']],
    );
    for (const img of [pixels(1, 6, 20, 5), pixels(1, 30, 11, 6), pixels(1, 16, 16, 7)]) {
      expectReference((await runGraph(doc, { img }))['out']!, img, { ...DEFAULTS, resize: 8, resizeMode: 'vilt', divisor: 4, crop: 0 });
    }
  });

  it('square mode resizes both sides, ignoring the aspect ratio (ALBEF Resize((s, s)))', async () => {
    await check(pixels(1, 5, 9, 8), { resize: 7, resize_mode: 'square', crop: 0 }, { resize: 7, resizeMode: 'square', crop: 0 });
  });

  it('infers ViLT\'s published sizes: 480 x 640 -> 384 x 512, 16:9 -> 352 x 608, 2:1 -> 320 x 608', () => {
    const shape = (dims: number[]) =>
      analyzeGraph(singleNodeGraph(image, { params: { resize: 384, resize_mode: 'vilt', crop: 0 }, inputs: { image: { dtype: 'uint8', dims, data: new Uint8Array(0) } } }), registryWith(image)).nodes.get('n')!.outputShapes['pixel_values'];
    expect(shape([1, 480, 640, 3])).toEqual([1, 3, 384, 512]);
    expect(shape([1, 1080, 1920, 3])).toEqual([1, 3, 352, 608]);
    expect(shape([1, 48, 96, 3])).toEqual([1, 3, 320, 608]);
    // 640 > 639: the longer side is capped, so the shorter one drops below 384 and floors to 352.
    expect(shape([1, 640, 384, 3])).toEqual([1, 3, 608, 352]);
    for (const [h, w] of [[480, 640], [1080, 1920], [48, 96], [333, 777], [1000, 999]] as const) {
      expect(shape([1, h, w, 3])!.slice(2)).toEqual(viltRef(h, w, 384, 32));
    }
  });

  it('infers output sizes', () => {
    const shape = (params: Record<string, unknown>, dims = [1, 10, 15, 3]) =>
      analyzeGraph(singleNodeGraph(image, { params, inputs: { image: { dtype: 'uint8', dims, data: new Uint8Array(0) } } }), registryWith(image)).nodes.get('n')!.outputShapes['pixel_values'];
    expect(shape({})).toEqual([1, 3, 224, 224]);
    expect(shape({ resize: 4, crop: 0 })).toEqual([1, 3, 4, 6]);
    expect(shape({ resize: 0, crop: 0 })).toEqual([1, 3, 10, 15]);
    const doc = graphDoc([['img', 'input.image'], ['pre', 'preprocess.image', { crop: 0 }], ['out', 'output.tensor']], [['img.pixels', 'pre.image'], ['pre.pixel_values', 'out.value']]);
    expect(analyzeGraph(doc, createRegistry()).nodes.get('pre')!.outputShapes['pixel_values']).toEqual(['B', 3, 'Hr_pre', 'Wr_pre']);
  });

  it('rejects bad inputs and params with clear errors', () => {
    const problems = (params: Record<string, unknown>, t: Tensor = { dtype: 'uint8', dims: [1, 10, 15, 3], data: new Uint8Array(0) }) =>
      analyzeGraph(singleNodeGraph(image, { params, inputs: { image: t } }), registryWith(image)).problems;
    const four = problems({}, { dtype: 'uint8', dims: [1, 10, 15, 4], data: new Uint8Array(0) }).find((p) => p.code === 'MF_SHAPE_MISMATCH');
    expect(four?.message).toContain('input "image"');
    const float = problems({}, { dtype: 'float32', dims: [1, 10, 15, 3], data: new Float32Array(0) }).find((p) => p.code === 'MF_DTYPE_MISMATCH');
    expect(float?.message).toContain('input "image"');
    expect(problems({ resize: 100, crop: 200 }).find((p) => p.code === 'MF_SHAPE_INFER')?.at.param).toBe('crop');
    const small = problems({ resize: 0, crop: 12 }).find((p) => p.code === 'MF_SHAPE_INFER');
    expect(small?.at.port).toBe('image');
    expect(small?.message).toContain('input "image" is 10x15');
    expect(problems({ mean: '0.5, 0.5' }).find((p) => p.code === 'MF_SHAPE_INFER')?.at.param).toBe('mean');
    expect(problems({ std: '0.5, 0, 0.5' }).find((p) => p.code === 'MF_SHAPE_INFER')?.at.param).toBe('std');
    expect(problems({ mean: 'red' }).find((p) => p.at.param === 'mean')?.code).toBe('MF_PARAM_RANGE');
    const zero = problems({ resize: 4, resize_mode: 'vilt', size_divisor: 8, crop: 0 }).find((p) => p.code === 'MF_SHAPE_INFER');
    expect(zero?.at.port).toBe('image');
  });
});

describe('preprocess.image refuses sizes it cannot resize, before anything runs', () => {
  const registry = createRegistry();
  // Counts session runs, so a test can tell a refusal before any stage from a failure inside one.
  let runs = 0;
  const cpu = createNodeRuntime({ providers: ['cpu'] });
  const counting: Runtime = {
    name: cpu.name,
    async createSession(model, options) {
      const session = await cpu.createSession(model, options);
      return Object.assign(Object.create(session) as typeof session, {
        run: (feeds: Record<string, Tensor>, fetches?: readonly string[]) => {
          runs++;
          return session.run(feeds, fetches);
        },
        release: () => session.release(),
      });
    },
  };
  const engine = createEngine(counting, { registry });
  const load = (params: Record<string, unknown>) => {
    const doc = graphDoc(
      [['img', 'input.image'], ['pre', 'preprocess.image', params], ['out', 'output.tensor']],
      [['img.pixels', 'pre.image'], ['pre.pixel_values', 'out.value']],
    );
    return engine.load(compileGraph(doc, registry));
  };
  const refused = async (params: Record<string, unknown>, img: Tensor) => {
    const program = await load(params);
    try {
      runs = 0;
      const error = await program.run({ img }, { cache: false }).then(() => undefined, (e: unknown) => e);
      expect(runs).toBe(0);
      expect(error).toBeInstanceOf(ModalflowError);
      return error as ModalflowError;
    } finally {
      await program.release();
    }
  };

  it('a 1 x 5000 strip at resize 224 fails fast with MF_IMAGE_TOO_LARGE instead of asking for 3 GB', async () => {
    const strip = pixels(1, 1, 5000);
    const t0 = performance.now();
    const error = await refused({ resize: 224, crop: 224 }, strip);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(error).toMatchObject({ code: 'MF_IMAGE_TOO_LARGE', at: { node: 'pre', port: 'image' } });
    expect(error.message).toContain('1 picture of 1 x 5000 pixels');
    expect(error.message).toContain('224 x 1120000');
    expect(error.message).toContain('1 x 3 x 224 x 1120000 = 752,640,000 floats');
    expect(error.message).toContain('268,435,456');
    expect(error.message).toContain('node "pre"');
    // Without a resize the strip is as small as it arrived, and goes through as before.
    const program = await load({ resize: 0, crop: 0 });
    try {
      expect((await program.run({ img: strip }, { cache: false })).outputs['out']!.dims).toEqual([1, 3, 1, 5000]);
    } finally {
      await program.release();
    }
  });

  it('a side that ViLT\'s rule floors to 0 is MF_BAD_INPUT, not a runtime failure', async () => {
    // 2 x 40 at 32: 32 x 640, capped to 53 x 1.6 x 53 -> 2 x 53 -> floored to 32: 0 x 32.
    const error = await refused({ resize: 32, resize_mode: 'vilt', crop: 0 }, pixels(1, 2, 40));
    expect(error).toMatchObject({ code: 'MF_BAD_INPUT', at: { node: 'pre', port: 'image' } });
    expect(error.message).toContain('1 picture of 2 x 40 pixels');
    expect(error.message).toContain('makes it 0 x 32 after flooring to multiples of 32');
  });

  it('a picture smaller than the crop is MF_BAD_INPUT, not a smaller tensor than the graph declares', async () => {
    const error = await refused({ resize: 0, crop: 4 }, pixels(1, 3, 9));
    expect(error).toMatchObject({ code: 'MF_BAD_INPUT', at: { node: 'pre', port: 'image' } });
    expect(error.message).toContain('smaller than the 4-pixel crop');
  });

  it('ordinary pictures run as before', async () => {
    const program = await load({});
    try {
      for (const [h, w] of [[32, 32], [480, 640]] as const) {
        runs = 0;
        const out = (await program.run({ img: pixels(1, h, w) }, { cache: false })).outputs['out']!;
        expect(out.dims).toEqual([1, 3, 224, 224]);
        expect(runs).toBe(1);
      }
    } finally {
      await program.release();
    }
  });

  it('computes the sizes the lowering does, against the budget', () => {
    const p = { resize: 224, resize_mode: 'shortest_edge' as const, size_divisor: 32, crop: 224 };
    expect(checkImageSize([1, 480, 640], p)).toBeUndefined();
    // 1 x 1783 -> 224 x 399,392: 268,391,424 floats, just under 2^28; 1 x 1784 just over.
    expect(3 * 224 * 224 * 1783).toBeLessThanOrEqual(MAX_RESIZED_FLOATS);
    expect(checkImageSize([1, 1, 1783], p)).toBeUndefined();
    expect(checkImageSize([1, 1, 1784], p)?.code).toBe('MF_IMAGE_TOO_LARGE');
    // The budget covers the batch: what one picture may use, a thousand may not.
    expect(checkImageSize([1000, 224, 224], p)).toBeUndefined();
    expect(checkImageSize([2000, 224, 224], p)?.code).toBe('MF_IMAGE_TOO_LARGE');
    // ViLT caps the longer side, so thin pictures never grow large there; they floor to 0.
    expect(checkImageSize([1, 1, 5000], { ...p, resize_mode: 'vilt', crop: 0 })?.code).toBe('MF_BAD_INPUT');
    expect(checkImageSize([1, 16384, 16384], { ...p, resize: 16384, resize_mode: 'square', crop: 0 })?.code).toBe('MF_IMAGE_TOO_LARGE');
    expect(checkImageSize([1, 0, 5], p)?.code).toBe('MF_BAD_INPUT');
    expect(checkImageSize([1, 1, 5000], { ...p, resize: 0, crop: 0 })).toBeUndefined();
  });

  it('refuses at compile time when the picture size is fixed', () => {
    const problems = analyzeGraph(singleNodeGraph(image, { params: { resize: 224 }, inputs: { image: { dtype: 'uint8', dims: [1, 1, 5000, 3], data: new Uint8Array(0) } } }), registryWith(image)).problems;
    expect(problems.find((p) => p.code === 'MF_IMAGE_TOO_LARGE')?.at.port).toBe('image');
  });
});
