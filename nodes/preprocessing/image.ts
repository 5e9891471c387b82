import { NodeError, choice, defineNode, float, int, string, tensor, type Dim, type InputRefusal, type Tensor } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import { CROP_OFFSETS, INTERPOLATIONS, centerCrop, parseChannelValues, resizeAttrs, resizeShortestEdge, type CropOffset, type Interpolation } from '../lib/image.ts';
import type { OnnxGraph } from '../lib/lowering.ts';
import '../lib/lowering.ts';
import { pillowMatrices, pillowPreprocess, type PillowGeometry, type PillowLevels } from './image-pillow.ts';

const RESIZE_MODES = ['shortest_edge', 'vilt', 'square'] as const;
type ResizeMode = (typeof RESIZE_MODES)[number];

const CLIP_MEAN = '0.48145466, 0.4578275, 0.40821073';
const CLIP_STD = '0.26862954, 0.26130258, 0.27577711';
const NUMBERS = '^\\s*[-+0-9.eE]+\\s*(,\\s*[-+0-9.eE]+\\s*)*$';

function channelValues(text: string, param: 'mean' | 'std'): number[] {
  const v = parseChannelValues(text);
  if (typeof v === 'string') throw new NodeError(`${param} ${v}`, { param });
  if (param === 'std' && v.some((x) => x <= 0)) throw new NodeError('std values must be positive (they divide)', { param });
  return v;
}

/** ViLT's cap on the longer side: int(1333 / 800 * shorter), 639 for 384. */
function viltLonger(size: number): number {
  return Math.floor((1333 / 800) * size);
}

/**
 * ViLT's output size (dandelin/ViLT MinMaxResize; transformers ViltImageProcessor), in the
 * same double-precision steps: shorter side to `size`, then shrink so the longer side is at
 * most `viltLonger(size)`, round half up, then floor both sides to multiples of `divisor`.
 */
function viltSize(h: number, w: number, size: number, divisor: number): [number, number] {
  const longer = viltLonger(size);
  const scale = size / Math.min(h, w);
  let nh: number;
  let nw: number;
  if (h < w) [nh, nw] = [size, scale * w];
  else [nh, nw] = [scale * h, size];
  if (Math.max(nh, nw) > longer) {
    const s = longer / Math.max(nh, nw);
    [nh, nw] = [nh * s, nw * s];
  }
  return [Math.floor(Math.floor(nh + 0.5) / divisor) * divisor, Math.floor(Math.floor(nw + 0.5) / divisor) * divisor];
}

/** Output size of the resize, when the input size is known (or does not matter). */
function resizedSize(h: Dim, w: Dim, size: number, mode: ResizeMode, divisor: number): [number, number] | undefined {
  if (mode === 'square') return [size, size];
  if (typeof h !== 'number' || typeof w !== 'number') return undefined;
  if (mode === 'vilt') return viltSize(h, w, size, divisor);
  const short = Math.min(h, w);
  return [Math.floor((h * size) / short), Math.floor((w * size) / short)];
}

/**
 * Floats the resized batch may hold: 2^28 (1 GiB of float32). That is Pillow's
 * MAX_IMAGE_PIXELS (89,478,485, the decoders' default pixel budget) times 3 channels, rounded
 * up: a resize may make as many values as the largest picture the decoder accepts holds before
 * resizing, and no more. Without it a thin picture that passes the pixel budget (1 x 5000)
 * resized to a shorter side of 224 asks the runtime for 224 x 1,120,000 x 3 floats (3 GB), and
 * the clip after a cubic resize allocates as much again. preprocess.clip_image caps its output the same way.
 */
export const MAX_RESIZED_FLOATS = 2 ** 28;

type SizeParams = { resize: number; resize_mode: ResizeMode; size_divisor: number; crop: number };

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Whether pictures of `[B, H, W]` can go through, computed from the sizes alone exactly as the
 * lowering computes them (resizedSize mirrors resizeShortestEdge / resizeVilt / resizeSquare).
 * The ONNX graph learns H and W only when it runs, so without this a side that ViLT's rule
 * floors to 0 fails inside the runtime's Resize with a generic message, and a resize far
 * larger than the picture is allocated before anything can refuse it.
 */
export function checkImageSize([b, h, w]: readonly number[], p: SizeParams): InputRefusal | undefined {
  const at = { port: 'image' };
  const picture = `input "image" is ${b} picture${b === 1 ? '' : 's'} of ${h} x ${w} pixels (H x W)`;
  let size: [number, number] = [h!, w!];
  if (p.resize > 0) {
    if (h! < 1 || w! < 1) return { code: 'MF_BAD_INPUT', message: `${picture}: an empty picture cannot be resized`, ...at };
    size = resizedSize(h!, w!, p.resize, p.resize_mode, p.size_divisor)!;
    const [rh, rw] = size;
    if (rh === 0 || rw === 0) {
      return {
        code: 'MF_BAD_INPUT',
        message: `${picture}: ViLT's resize to ${p.resize} (longer side at most ${viltLonger(p.resize)}) makes it ${rh} x ${rw} after flooring to multiples of ${p.size_divisor}, and nothing can be resized to a side of 0; crop or pad such thin pictures first`,
        ...at,
      };
    }
    const floats = b! * 3 * rh * rw;
    if (floats > MAX_RESIZED_FLOATS) {
      return {
        code: 'MF_IMAGE_TOO_LARGE',
        message: `${picture}: resizing to ${p.resize} (${p.resize_mode}) makes it ${rh} x ${rw}, so the resized batch would hold ${b} x 3 x ${rh} x ${rw} = ${count(floats)} floats, more than the ${count(MAX_RESIZED_FLOATS)} (1 GiB of float32) a resize may allocate; crop or pad such thin pictures first, or resize less`,
        ...at,
      };
    }
  }
  if (p.crop > 0 && Math.min(...size) < p.crop) {
    // The graph declares crop x crop; a smaller picture would come out smaller than that.
    const resized = p.resize > 0 ? `, resized to ${size[0]} x ${size[1]}` : '';
    return { code: 'MF_BAD_INPUT', message: `${picture}${resized}: smaller than the ${p.crop}-pixel crop`, ...at };
  }
  return undefined;
}

type PillowParams = SizeParams & { interpolation: Interpolation; crop_offset: CropOffset; rescale: number; mean: string; std: string };

/** What Pillow's resize and the crop do to a picture of h x w (cubic or linear interpolation). */
function geometry(h: number, w: number, p: PillowParams): PillowGeometry {
  const [rh, rw] = resizedSize(h, w, p.resize, p.resize_mode, p.size_divisor)!;
  return { h, w, rh, rw, crop: p.crop, offset: p.crop_offset, filter: p.interpolation === 'cubic' ? 'bicubic' : 'bilinear' };
}

function pillowLevels(p: PillowParams): PillowLevels {
  const three = (v: number[]) => (v.length === 1 ? [v[0]!, v[0]!, v[0]!] : v);
  return { rescale: p.rescale, mean: three(channelValues(p.mean, 'mean')), std: three(channelValues(p.std, 'std')) };
}

const matrices = new Map<string, { w: Tensor; h: Tensor }>();

/** Resizes NCHW `x` to `size` x `size`, ignoring the aspect ratio (torchvision Resize((s, s))). */
function resizeSquare(g: OnnxGraph, x: string, size: number, mode: Interpolation): string {
  const lead = g.op('Slice', [g.op('Shape', [x]), g.constInt64([0]), g.constInt64([2])]);
  const sizes = g.op('Concat', [lead, g.constInt64([size, size])], { axis: i(0) });
  return g.op('Resize', [x, '', '', sizes], resizeAttrs(mode));
}

/**
 * Resizes NCHW `x` to ViLT's size (see viltSize), computed from the runtime shape in float64
 * (Cast to=11) with the same operations as the reference's Python floats, so rounding at a
 * .5 or at a multiple of the divisor goes the same way. Every constant is an integer or 0.5,
 * exact in any precision.
 */
function resizeVilt(g: OnnxGraph, x: string, size: number, divisor: number, mode: Interpolation): string {
  const shape = g.op('Shape', [x]);
  const lead = g.op('Slice', [shape, g.constInt64([0]), g.constInt64([2])]);
  const double = (v: string) => g.op('Cast', [v], { to: i(11) });
  const hw = double(g.op('Slice', [shape, g.constInt64([2]), g.constInt64([4])]));
  const h = g.op('Slice', [hw, g.constInt64([0]), g.constInt64([1])]);
  const w = g.op('Slice', [hw, g.constInt64([1]), g.constInt64([2])]);
  const S = double(g.scalarInt64(size));
  const L = double(g.scalarInt64(viltLonger(size)));
  const scale = g.op('Div', [S, g.op('Min', [h, w])]);
  const hLess = g.op('Less', [h, w]);
  let nh = g.op('Where', [hLess, S, g.op('Mul', [h, scale])]);
  let nw = g.op('Where', [hLess, g.op('Mul', [w, scale]), S]);
  const longest = g.op('Max', [nh, nw]);
  const over = g.op('Greater', [longest, L]);
  const shrink = g.op('Div', [L, longest]);
  nh = g.op('Where', [over, g.op('Mul', [nh, shrink]), nh]);
  nw = g.op('Where', [over, g.op('Mul', [nw, shrink]), nw]);
  const rounded = g.op('Floor', [g.op('Add', [g.op('Concat', [nh, nw], { axis: i(0) }), double(g.scalarFloat(0.5))])]);
  const d = g.scalarInt64(divisor);
  // Integer division of positive sizes is the floor: the `// 32 * 32` of the reference.
  const target = g.op('Mul', [g.op('Div', [g.op('Cast', [rounded], { to: i(7) }), d]), d]);
  return g.op('Resize', [x, '', '', g.op('Concat', [lead, target], { axis: i(0) })], resizeAttrs(mode));
}

/**
 * Image preprocessing of CLIP-style vision encoders, in ONNX ops (runs on the accelerator):
 *   x = cast(pixels) as NCHW
 *   x = resize(x) (opset 17 Resize, half_pixel; values clipped to [0, 255] as an 8-bit
 *       resampler would), by `resize_mode`:
 *       shortest_edge: the shorter side becomes `resize`, the aspect ratio kept (CLIP);
 *       vilt: ViLT's rule, shorter side `resize`, longer side at most int(1333/800 · resize)
 *             (639 for 384), rounded, both sides floored to multiples of `size_divisor`
 *             (dandelin/ViLT MinMaxResize, transformers ViltImageProcessor);
 *       square: both sides `resize`, the aspect ratio not kept (ALBEF's Resize((256, 256)))
 *   x = centre crop `crop` x `crop`
 *   y_c = (x_c * rescale - mean_c) / std_c
 * Cubic and linear resizing are Pillow's (antialiased when shrinking, rounded to 8 bits after
 * each pass): two integer matrix products with the host's coefficient matrices (image-pillow.ts),
 * so the output equals preprocess.clip_image's to the last bit. The matrices are constants when
 * the picture size is fixed in the graph; otherwise the engine computes them for each run's
 * picture size (hostFeeds), once per size. Where the node is not fed straight by a graph input
 * (the size is then known only mid-run) and in training step models, opset 17's Resize is used:
 * it has no antialias (that arrives in opset 18), so upscaling matches Pillow up to its 8-bit
 * rounding but a large downscale samples only the 4 x 4 (cubic) or 2 x 2 (linear) nearest
 * pixels where Pillow widens its kernel. Nearest resizing always uses Resize.
 */
export default defineNode({
  type: 'preprocess.image',
  version: 1,
  category: 'preprocessing',
  title: 'Image preprocessing',
  views: { centreCrop: { param: 'crop' } },
  doc: 'Turns raw RGB pixels into what a vision encoder expects. It resizes each image so its shorter side is `resize` pixels (keeping the aspect ratio; `resize_mode` vilt also caps the longer side and rounds both to multiples of 32 as ViLT does, square makes it `resize` x `resize`), cuts out the central `crop` x `crop` square, scales values from 0..255 to 0..1, and normalises each colour channel with a mean and standard deviation (by default CLIP\'s). It runs as part of the model, so it can use the GPU. Cubic and linear resizing are Pillow\'s to the last bit, as preprocess.clip_image computes them, when the node reads the image input directly; in training, or after other nodes, it uses ONNX resizing, which has no antialiasing, so shrinking a large photo there gives slightly different pixels than Pillow does.',
  formula: 'y_{c} = \\frac{\\mathrm{crop}(\\mathrm{resize}(x))_{c} \\cdot r - \\mu_c}{\\sigma_c}',
  source: 'transformers CLIPImageProcessor (resize shortest_edge, center_crop, rescale, normalize); OpenAI CLIP _transform; dandelin/ViLT MinMaxResize; ALBEF test transform',
  inputs: { image: tensor('uint8', ['B', 'H', 'W', 3], { description: 'RGB pixels, uint8 [B, H, W, 3]' }) },
  outputs: { pixel_values: tensor('float32', ['B', 3, 'S', 'S'], { description: 'Normalised pixels, float32 [B, 3, crop, crop]' }) },
  params: {
    resize: int({ default: 224, min: 0, max: 16384, description: 'Shorter side after resizing, in pixels (0 = no resize); both sides in square mode' }),
    resize_mode: choice(RESIZE_MODES, {
      default: 'shortest_edge',
      description: 'shortest_edge (keep the aspect ratio), vilt (ViLT: longer side capped at 1333/800 of the shorter, sides floored to multiples of size_divisor) or square (resize x resize)',
    }),
    size_divisor: int({ default: 32, min: 1, max: 4096, description: 'vilt mode: both sides are floored to a multiple of this (ViLT: 32, its patch size)' }),
    interpolation: choice(INTERPOLATIONS, { default: 'cubic', description: 'Resampling: cubic (PIL bicubic, a = -0.5), linear or nearest' }),
    crop: int({ default: 224, min: 0, max: 16384, description: 'Side of the centre square kept (0 = no crop)' }),
    crop_offset: choice(CROP_OFFSETS, { default: 'floor', description: 'Crop start for odd margins: floor (transformers) or round half to even (torchvision)' }),
    rescale: float({ default: 1 / 255, min: 0, description: 'Factor applied to pixel values before normalising (1/255 maps 0..255 to 0..1)' }),
    mean: string({ default: CLIP_MEAN, pattern: NUMBERS, description: 'Per-channel mean (R, G, B), or one value for all' }),
    std: string({ default: CLIP_STD, pattern: NUMBERS, description: 'Per-channel standard deviation (R, G, B), or one value for all' }),
  },
  infer: ({ node, inputs, params }) => {
    channelValues(params.mean, 'mean');
    channelValues(params.std, 'std');
    const [b, h, w] = inputs['image']! as [Dim, Dim, Dim];
    let size: [Dim, Dim] = [h, w];
    if (params.resize > 0) {
      size = resizedSize(h, w, params.resize, params.resize_mode, params.size_divisor) ?? [`Hr_${node}`, `Wr_${node}`];
      if (size.some((d) => d === 0)) {
        throw new NodeError(`input "image" is ${h}x${w}: ViLT's resize to ${params.resize} makes a side 0 after flooring to multiples of ${params.size_divisor}`, { port: 'image' });
      }
    }
    if (params.crop > 0) {
      if (params.resize > 0 && params.crop > params.resize) {
        throw new NodeError(`crop ${params.crop} is larger than the resized shorter side ${params.resize}`, { param: 'crop' });
      }
      const small = size.find((d): d is number => typeof d === 'number' && d < params.crop);
      if (small !== undefined) {
        throw new NodeError(`input "image" is ${h}x${w}, smaller than the ${params.crop}-pixel crop`, { port: 'image' });
      }
      size = [params.crop, params.crop];
    }
    // Sides known now are checked now; a symbolic batch counts as one picture (a lower bound).
    if (params.resize > 0 && typeof h === 'number' && typeof w === 'number') {
      const refusal = checkImageSize([typeof b === 'number' ? b : 1, h, w], { ...params, crop: 0 });
      if (refusal) throw new NodeError(refusal.message, { port: 'image', code: refusal.code });
    }
    return { pixel_values: [b, 3, ...size] };
  },
  // Runs before any stage, on the caller's picture sizes (see checkImageSize).
  checkInput: ({ image }, { params }) => checkImageSize(image!, params),
  hostFeeds: ({ image }, { params }) => {
    const [, h, w] = image!;
    const key = `${h}x${w}:${params.resize}:${params.resize_mode}:${params.size_divisor}:${params.interpolation}:${params.crop}:${params.crop_offset}`;
    let m = matrices.get(key);
    if (!m) {
      // A handful of picture sizes covers a session (a camera, a dataset); the cap bounds memory.
      if (matrices.size >= 32) matrices.clear();
      m = pillowMatrices(geometry(h!, w!, params));
      matrices.set(key, m);
    }
    return { resample_w: m.w, resample_h: m.h };
  },
  flops: ({ inputs, outputs, params, size }) => {
    const [b, h, w] = inputs['image']!.map(size) as [number, number, number];
    const out = outputs['pixel_values']!.map(size).reduce((a, v) => a * v, 1);
    const resized: [number, number] = params.resize > 0
      ? (resizedSize(h, w, params.resize, params.resize_mode, params.size_divisor) ?? [params.resize, params.resize])
      : [h, w];
    const fixed = inputs['image']!.slice(1, 3).every((d) => typeof d === 'number');
    if (params.resize > 0 && params.interpolation !== 'nearest' && fixed) {
      // A fixed picture size lowers to Pillow's two matrix products over the kept rows and columns.
      const [ch, cw] = params.crop > 0 ? [params.crop, params.crop] : resized;
      return b * 3 * 2 * (h * w * cw + ch * h * cw) + 2 * out;
    }
    const perPixel = params.resize > 0 ? { cubic: 32, linear: 8, nearest: 0 }[params.interpolation] : 0;
    return b * 3 * resized[0] * resized[1] * perPixel + 2 * out;
  },
  lower: ({ g, x, params, inputs, feed }) => {
    const [, h, w] = inputs['image']!;
    if (params.resize > 0 && params.interpolation !== 'nearest') {
      const levels = pillowLevels(params);
      if (typeof h === 'number' && typeof w === 'number') {
        // The picture size is fixed, so Pillow's own filter is built now, as constants.
        const m = pillowMatrices(geometry(h, w, params));
        return { pixel_values: pillowPreprocess(g, x['image']!, { w: g.constant(m.w, 'resample_w'), h: g.constant(m.h, 'resample_h') }, levels) };
      }
      // Otherwise the engine computes the matrices for each run's picture size (hostFeeds).
      const mw = feed?.('resample_w', 'int32', [w!, 'Wc']);
      const mh = feed?.('resample_h', 'int32', ['Hc', h!]);
      if (mw && mh) return { pixel_values: pillowPreprocess(g, x['image']!, { w: mw, h: mh }, levels) };
    }
    let v = g.op('Transpose', [g.op('Cast', [x['image']!], { to: i(1) })], { perm: ints([0, 3, 1, 2]) });
    if (params.resize > 0) {
      if (params.resize_mode === 'vilt') v = resizeVilt(g, v, params.resize, params.size_divisor, params.interpolation);
      else if (params.resize_mode === 'square') v = resizeSquare(g, v, params.resize, params.interpolation);
      else v = resizeShortestEdge(g, v, params.resize, params.interpolation);
      // Cubic weights go negative, so values can overshoot; an 8-bit resampler (PIL) clips.
      if (params.interpolation === 'cubic') v = g.op('Clip', [v, g.scalarFloat(0), g.scalarFloat(255)]);
    }
    if (params.crop > 0) v = centerCrop(g, v, params.crop, params.crop_offset);
    if (params.rescale !== 1) v = g.op('Mul', [v, g.scalarFloat(params.rescale)]);
    const channels = (vals: number[]) => g.constFloat(vals, [1, vals.length, 1, 1]);
    v = g.op('Sub', [v, channels(channelValues(params.mean, 'mean'))]);
    return { pixel_values: g.op('Div', [v, channels(channelValues(params.std, 'std'))]) };
  },
});
