import { NodeError, choice, defineNode, float, int, string, tensor, type Dim } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import { CROP_OFFSETS, INTERPOLATIONS, centerCrop, parseChannelValues, resizeShortestEdge } from '../lib/image.ts';
import '../lib/lowering.ts';

const CLIP_MEAN = '0.48145466, 0.4578275, 0.40821073';
const CLIP_STD = '0.26862954, 0.26130258, 0.27577711';
const NUMBERS = '^\\s*[-+0-9.eE]+\\s*(,\\s*[-+0-9.eE]+\\s*)*$';

function channelValues(text: string, param: 'mean' | 'std'): number[] {
  const v = parseChannelValues(text);
  if (typeof v === 'string') throw new NodeError(`${param} ${v}`, { param });
  if (param === 'std' && v.some((x) => x <= 0)) throw new NodeError('std values must be positive (they divide)', { param });
  return v;
}

/** Output size of a shortest-edge resize, when the input size is known. */
function resizedSize(h: Dim, w: Dim, size: number): [number, number] | undefined {
  if (typeof h !== 'number' || typeof w !== 'number') return undefined;
  const short = Math.min(h, w);
  return [Math.floor((h * size) / short), Math.floor((w * size) / short)];
}

/**
 * Image preprocessing of CLIP-style vision encoders, in ONNX ops (runs on the accelerator):
 *   x = cast(pixels) as NCHW
 *   x = resize(x) so the shorter side is `resize` (opset 17 Resize, half_pixel; values
 *       clipped to [0, 255] as an 8-bit resampler would)
 *   x = centre crop `crop` x `crop`
 *   y_c = (x_c * rescale - mean_c) / std_c
 * Opset 17's Resize has no antialias (it arrives in opset 18): upscaling matches PIL exactly,
 * but a large downscale samples only the 4 x 4 (cubic) or 2 x 2 (linear) nearest pixels where
 * PIL widens its kernel, so the result differs slightly from PIL's. PIL also rounds the
 * resized image to 8 bits; this keeps the fractions.
 */
export default defineNode({
  type: 'preprocess.image',
  version: 1,
  category: 'preprocessing',
  title: 'Image preprocessing',
  doc: 'Turns raw RGB pixels into what a vision encoder expects. It resizes each image so its shorter side is `resize` pixels (keeping the aspect ratio), cuts out the central `crop` x `crop` square, scales values from 0..255 to 0..1, and normalises each colour channel with a mean and standard deviation (by default CLIP\'s). It runs as part of the model, so it can use the GPU. Note: opset 17 resizing has no antialiasing, so shrinking a large photo gives slightly different pixels than PIL does.',
  formula: 'y_{c} = \\frac{\\mathrm{crop}(\\mathrm{resize}(x))_{c} \\cdot r - \\mu_c}{\\sigma_c}',
  source: 'transformers CLIPImageProcessor (resize shortest_edge, center_crop, rescale, normalize); OpenAI CLIP _transform',
  inputs: { image: tensor('uint8', ['B', 'H', 'W', 3], { description: 'RGB pixels, uint8 [B, H, W, 3]' }) },
  outputs: { pixel_values: tensor('float32', ['B', 3, 'S', 'S'], { description: 'Normalised pixels, float32 [B, 3, crop, crop]' }) },
  params: {
    resize: int({ default: 224, min: 0, max: 16384, description: 'Shorter side after resizing, in pixels (0 = no resize)' }),
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
    if (params.resize > 0) size = resizedSize(h, w, params.resize) ?? [`Hr_${node}`, `Wr_${node}`];
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
    return { pixel_values: [b, 3, ...size] };
  },
  flops: ({ inputs, outputs, params, size }) => {
    const [b, h, w] = inputs['image']!.map(size) as [number, number, number];
    const out = outputs['pixel_values']!.map(size).reduce((a, v) => a * v, 1);
    const resized: [number, number] = params.resize > 0 ? (resizedSize(h, w, params.resize) ?? [params.resize, params.resize]) : [h, w];
    const perPixel = params.resize > 0 ? { cubic: 32, linear: 8, nearest: 0 }[params.interpolation] : 0;
    return b * 3 * resized[0] * resized[1] * perPixel + 2 * out;
  },
  lower: ({ g, x, params }) => {
    let v = g.op('Transpose', [g.op('Cast', [x['image']!], { to: i(1) })], { perm: ints([0, 3, 1, 2]) });
    if (params.resize > 0) {
      v = resizeShortestEdge(g, v, params.resize, params.interpolation);
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
